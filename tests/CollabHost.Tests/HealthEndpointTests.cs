using System.Net;
using CollabHost;

namespace CollabHost.Tests;

public class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_answers_ok_while_the_host_runs()
    {
        await using var app = CollabHostApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Urls.First();
        using var http = new HttpClient();
        var response = await http.GetAsync($"{address}/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}

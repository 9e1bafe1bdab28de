using System.Net;
using CollabHost;
using Microsoft.AspNetCore.Builder;

namespace CollabHost.Tests;

public class DemoEndpointTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = CollabHostApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Root_serves_the_demo_page_that_loads_the_bundle()
    {
        var response = await _http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/app.js\">", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/d/meeting-notes")]
    [InlineData("/r/meeting-notes")]
    public async Task A_document_address_serves_the_same_page(string path)
    {
        var root = await _http.GetStringAsync("/");
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(root, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_rich_text_page_stylesheet_is_served_as_css()
    {
        var response = await _http.GetAsync("/quill.snow.css");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_bundle_is_served_as_javascript_and_revalidated()
    {
        var response = await _http.GetAsync("/app.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("/d/a/b")]
    [InlineData("/missing.js")]
    [InlineData("/d")]
    [InlineData("/r/a/b")]
    [InlineData("/r")]
    public async Task Other_paths_are_not_found(string path)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

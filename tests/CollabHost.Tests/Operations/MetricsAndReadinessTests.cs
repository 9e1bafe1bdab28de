using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CollabHost.Tests.Security;

namespace CollabHost.Tests.Operations;

/// <summary>
/// /metrics and /readyz of the real host. The meter is process-wide and tests run hosts side by side, so counts are
/// checked as lower bounds.
/// </summary>
public class MetricsAndReadinessTests
{
    [Fact]
    public async Task Readyz_answers_200_once_the_node_is_up_and_its_journal_answers()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var http = new HttpClient();
        HttpResponseMessage? response = null;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            response = await http.GetAsync(new Uri(host.HttpUrl, "/readyz"));
            if (response.StatusCode == HttpStatusCode.OK) break;
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_count_connections_documents_ops_latencies_and_rejections_in_prometheus_text_without_content()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "metered", "CONFIDENTIAL-TEXT");
        await editor.ReceiveAsync(m => (string?)m["a"] == "op");
        for (int v = 1; v <= 2; v++)
        {
            await editor.InsertAsync("docs", "metered", v, "x");
            await editor.ReceiveAsync(m => (string?)m["a"] == "op");
        }
        await editor.Socket.SendAsync(Encoding.UTF8.GetBytes("{not json"), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        await editor.ReceiveAsync(m => m["error"] is not null);
        await editor.InsertAsync("docs", "metered", 99, "x");
        await editor.ReceiveAsync(m => (string?)m["a"] == "op");

        using var http = new HttpClient();
        HttpResponseMessage response = await http.GetAsync(new Uri(host.HttpUrl, "/metrics"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", host.Logs));
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(Value(text, "collab_connections_open") >= 1, text);
        Assert.True(Value(text, "collab_documents_active") >= 1, text);
        Assert.True(Value(text, "collab_ops_committed_total") >= 3, text);
        Assert.True(Value(text, "collab_op_ack_seconds_count") >= 3, text);
        Assert.True(Value(text, "collab_journal_write_seconds_count") >= 3, text);
        Assert.Contains("collab_op_ack_seconds_bucket{le=", text);
        Assert.True(Value(text, "collab_messages_rejected_total{reason=\"ERR_MESSAGE_BADLY_FORMED\"}") >= 1, text);
        Assert.True(Value(text, "collab_messages_rejected_total{reason=\"ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT\"}") >= 1, text);
        Assert.Contains("collab_slow_consumers_dropped_total", text);
        Assert.DoesNotContain("CONFIDENTIAL", text);
        Assert.DoesNotContain("metered", text);
    }

    /// <summary>The value of the first sample whose name (with labels) starts with <paramref name="series"/>.</summary>
    private static double Value(string exposition, string series)
    {
        foreach (string line in exposition.Split('\n'))
        {
            if (!line.StartsWith(series, StringComparison.Ordinal)) continue;
            string rest = line[series.Length..];
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{')) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return double.NaN;
    }
}

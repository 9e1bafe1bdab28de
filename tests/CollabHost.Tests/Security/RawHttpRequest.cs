using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CollabHost.Tests.Security;

/// <summary>
/// One HTTP/1.1 request written byte for byte over TCP, and the head of the answer (status and headers): for the
/// requests a browser or HttpClient would never send.
/// </summary>
public static class RawHttpRequest
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers);

    /// <summary>GET /ws as a WebSocket upgrade; <paramref name="headers"/> are added after Host (empty ones skipped).</summary>
    public static Task<Answer> UpgradeAsync(int port, params string[] headers) =>
        SendAsync(port, "GET /ws HTTP/1.1", ["Upgrade: websocket", "Connection: Upgrade", .. headers]);

    public static async Task<Answer> SendAsync(int port, string requestLine, string[] headers)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        NetworkStream stream = tcp.GetStream();
        string request = requestLine + "\r\nHost: localhost:" + port + "\r\n"
                         + string.Concat(headers.Where(h => h.Length > 0).Select(h => h + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);

        var buffer = new byte[1024];
        var head = new StringBuilder();
        // Up to the blank line after the headers; bounded by the number of reads and the timeout.
        for (int reads = 0; reads < 64 && !head.ToString().Contains("\r\n\r\n"); reads++)
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        string[] lines = head.ToString().Split("\r\n\r\n")[0].Split("\r\n");
        var answerHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) answerHeaders[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new Answer(int.Parse(lines[0].Split(' ')[1]), answerHeaders);
    }
}

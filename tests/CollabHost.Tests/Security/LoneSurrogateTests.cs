using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MessagePack;

namespace CollabHost.Tests.Security;

/// <summary>
/// Lone surrogates (a UTF-16 half without its partner) in any field of either encoding: the frame is refused at
/// decode time with an error reply, nothing is stored or relayed, the sender keeps its connection, the receivers of
/// its channel keep theirs, and the server logs no exception.
/// </summary>
public class LoneSurrogateTests
{
    private const string TextUnicode = ProtocolSocket.TextUnicode;
    // Where a template puts the lone surrogate.
    private const string Mark = "#L#";

    public static TheoryData<string, string, bool> Frames()
    {
        (string Field, string Template)[] templates =
        [
            ("collection", """{"a":"f","c":"#L#","d":"target"}"""),
            ("document id", """{"a":"s","c":"docs","d":"target#L#"}"""),
            ("action", """{"a":"#L#","c":"docs","d":"target"}"""),
            ("handshake id", """{"a":"hs","id":"#L#","protocol":1,"protocolMinor":2}"""),
            ("create data", """{"a":"op","c":"docs","d":"born","v":0,"seq":1,"create":{"type":"TU","data":"ab#L#"}}"""),
            ("create property name", """{"a":"op","c":"docs","d":"born","v":0,"seq":1,"create":{"type":"TU","data":"ab","#L#":1}}"""),
            ("op text", """{"a":"op","c":"docs","d":"target","v":1,"seq":1,"op":[1,"#L#x"]}"""),
            ("message property name", """{"a":"op","c":"docs","d":"target","v":1,"seq":1,"op":[1,"x"],"#L#":true}"""),
            ("bulk id", """{"a":"bs","c":"docs","b":["target","#L#"]}"""),
            ("presence value", """{"a":"p","ch":"docs.target","id":"p1","pv":1,"p":["#L#"]}"""),
            ("presence value key", """{"a":"p","ch":"docs.target","id":"p1","pv":1,"p":{"index":1,"#L#":2}}"""),
            ("presence id", """{"a":"p","ch":"docs.target","id":"#L#","pv":1,"p":{"index":1}}"""),
            ("presence channel", """{"a":"ps","ch":"docs.#L#","seq":1}"""),
        ];
        var data = new TheoryData<string, string, bool>();
        foreach ((string field, string template) in templates)
        {
            string json = template.Replace("\"TU\"", "\"" + TextUnicode + "\"");
            data.Add(field, json, false);
            data.Add(field, json, true);
        }
        return data;
    }

    /// <summary>The template as a text frame (the escape \ud800) or a MessagePack frame (a string holding ED A0 80).</summary>
    private static byte[] Frame(string template, bool messagePack, string surrogate = "d800")
    {
        if (!messagePack) return Encoding.UTF8.GetBytes(template.Replace(Mark, "\\u" + surrogate));
        byte[] frame = MessagePackSerializer.ConvertFromJson(template);
        // The same three bytes long as the mark, so the string headers stay right: the surrogate as UTF-8 would spell it.
        int unit = Convert.ToInt32(surrogate, 16);
        byte[] spelled = [(byte)(0xE0 | (unit >> 12)), (byte)(0x80 | ((unit >> 6) & 0x3F)), (byte)(0x80 | (unit & 0x3F))];
        byte[] mark = Encoding.ASCII.GetBytes(Mark);
        for (int i = frame.AsSpan().IndexOf(mark); i >= 0; i = frame.AsSpan().IndexOf(mark))
            spelled.CopyTo(frame, i);
        return frame;
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task A_lone_surrogate_anywhere_is_refused_with_an_error_and_nothing_is_stored_or_relayed(string field, string template, bool messagePack)
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var attacker = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await SetUpTargetAsync(editor);

        await attacker.SendRawAsync(Frame(template, messagePack), messagePack);
        JsonObject refused = await attacker.ReceiveAsync(m => m["error"] is not null);
        Assert.Equal("ERR_MESSAGE_BADLY_FORMED", (string?)refused["error"]!["code"]);

        await AssertNothingChangedAsync(host, editor, attacker, field);
        // A low half alone too.
        await attacker.SendRawAsync(Frame(template, messagePack, "dfff"), messagePack);
        Assert.Equal("ERR_MESSAGE_BADLY_FORMED", (string?)(await attacker.ReceiveAsync(m => m["error"] is not null))["error"]!["code"]);
        await AssertNothingChangedAsync(host, editor, attacker, field);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_read_only_token_cannot_disconnect_a_channel_with_a_lone_surrogate_in_its_presence(bool messagePack)
    {
        await using var host = await SecuredHost.StartAsync(true);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("editor", write: ["docs/*"]));
        using var reader = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("reader", read: ["docs/*"]));
        await SetUpTargetAsync(editor);

        await reader.SendRawAsync(Frame("""{"a":"p","ch":"docs.target","id":"p1","pv":1,"p":["#L#"]}""", messagePack), messagePack);
        Assert.Equal("ERR_MESSAGE_BADLY_FORMED", (string?)(await reader.ReceiveAsync(m => m["error"] is not null))["error"]!["code"]);

        await AssertNothingChangedAsync(host, editor, reader, "presence value");
        await Bystander.AssertServedAsync(host.WebSocketUrl, Bystander.Token());
    }

    [Fact]
    public async Task Well_formed_surrogate_pairs_still_pass_in_text_and_presence()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var other = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        editor.NextSeq(); // the raw frame below is op seq 1
        await editor.SendRawAsync(Encoding.UTF8.GetBytes(
            """{"a":"op","c":"docs","d":"emoji","v":0,"seq":1,"create":{"type":"TU","data":"\ud83d\ude00 ok"}}""".Replace("\"TU\"", "\"" + TextUnicode + "\"")));
        Assert.Null((await editor.ReceiveAckAsync())["error"]);
        await other.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "lobby", ["seq"] = 1 });
        await other.ReceiveAsync(m => (string?)m["a"] == "ps");
        await editor.SendRawAsync(Encoding.UTF8.GetBytes("""{"a":"p","ch":"lobby","id":"p1","pv":1,"p":{"label":"\ud83d\ude00"}}"""));
        JsonObject relayed = await other.ReceiveAsync(m => (string?)m["a"] == "p");
        Assert.Equal("😀", (string?)relayed["p"]!["label"]);
        await editor.FetchAsync("docs", "emoji");
        Assert.Equal("😀 ok", (string?)(await editor.ReceiveAsync(m => (string?)m["a"] == "f"))["data"]!["data"]);
    }

    /// <summary>docs/target holds "ok" at version 1, and <paramref name="editor"/> follows it and its presence channel.</summary>
    private static async Task SetUpTargetAsync(ProtocolSocket editor)
    {
        await editor.CreateAsync("docs", "target", "ok");
        Assert.Null((await editor.ReceiveAckAsync())["error"]);
        await editor.SendAsync(new JsonObject { ["a"] = "s", ["c"] = "docs", ["d"] = "target" });
        await editor.ReceiveAsync(m => (string?)m["a"] == "s");
        await editor.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "docs.target", ["seq"] = 1 });
        await editor.ReceiveAsync(m => (string?)m["a"] == "ps");
    }

    private static async Task AssertNothingChangedAsync(SecuredHost host, ProtocolSocket editor, ProtocolSocket sender, string field)
    {
        // Both connections still serve, and the next thing the editor hears is its own pong: no op, no presence.
        foreach (ProtocolSocket socket in new[] { sender, editor })
        {
            await socket.SendAsync(new JsonObject { ["a"] = "pp" });
            Assert.Equal(WebSocketState.Open, socket.Socket.State);
        }
        await sender.ReceiveAsync(m => (string?)m["a"] == "pp");
        JsonObject next = await editor.ReceiveAsync(_ => true);
        Assert.True((string?)next["a"] == "pp", $"after a lone surrogate in the {field}, the editor heard {next.ToJsonString()}");

        await editor.FetchAsync("docs", "target");
        JsonObject target = await editor.ReceiveAsync(m => (string?)m["a"] == "f" && (string?)m["d"] == "target");
        Assert.Equal(1, (long)target["data"]!["v"]!);
        Assert.Equal("ok", (string?)target["data"]!["data"]);
        await editor.FetchAsync("docs", "born");
        JsonObject born = await editor.ReceiveAsync(m => (string?)m["a"] == "f" && (string?)m["d"] == "born");
        Assert.Null(born["data"]!["type"]);
        Assert.DoesNotContain(host.Logs, line => line.StartsWith("Error") || line.Contains("Exception"));
    }
}

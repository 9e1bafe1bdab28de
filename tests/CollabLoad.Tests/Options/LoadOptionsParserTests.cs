using CollabClient;
using CollabLoad.Options;

namespace CollabLoad.Tests.Options;

public sealed class LoadOptionsParserTests
{
    [Fact]
    public void The_documented_example_command_line_parses()
    {
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:5000/ws", "--docs", "50", "--editors-per-doc", "4", "--rate", "5", "--duration", "60s"]);
        Assert.Equal(new Uri("ws://127.0.0.1:5000/ws"), o.Url);
        Assert.Equal(50, o.Docs);
        Assert.Equal(4, o.EditorsPerDoc);
        Assert.Equal(200, o.Editors);
        Assert.Equal(5, o.Rate);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Duration);
        Assert.Equal(LoadMode.Open, o.Mode);
        Assert.Equal(FrameEncoding.Json, o.Encoding);
    }

    [Fact]
    public void A_failover_run_may_name_the_node_it_kills()
    {
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:1/ws,ws://127.0.0.1:2/ws,ws://127.0.0.1:3/ws",
            "--cpu-pids", "11,12,13", "--kill-busiest-after", "15s", "--duration", "60s", "--kill-node", "1"]);
        Assert.Equal(1, o.KillNode);
    }

    [Fact]
    public void Editors_of_one_document_are_spread_over_the_nodes_and_reconnect_to_the_others_in_turn()
    {
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:1/ws, ws://127.0.0.1:2/ws,ws://127.0.0.1:3/ws", "--docs", "40",
            "--editors-per-doc", "3", "--cpu-pids", "11,12,13", "--database-pid", "20", "--kill-busiest-after", "15s", "--duration", "60s"]);
        Assert.Equal(new Uri("ws://127.0.0.1:1/ws"), o.Url);
        Assert.Equal([11, 12, 13], o.CpuPids);
        Assert.Equal(20, o.DatabasePid);
        Assert.Equal(TimeSpan.FromSeconds(15), o.KillBusiestAfter);
        Assert.Null(o.KillNode);
        // Document 7's editors are 7, 47 and 87: one on each node.
        Assert.Equal(new[] { 2, 3, 1 }, new[] { 7, 47, 87 }.Select(i => o.ServerFor(i).First.Port));
        (Uri first, IReadOnlyList<Uri> others) = o.ServerFor(47);
        Assert.Equal(3, first.Port);
        Assert.Equal(new[] { 1, 2 }, others.Select(u => u.Port));
    }

    [Fact]
    public void A_big_room_has_a_few_typists_and_many_watchers()
    {
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:5000/ws", "--docs", "2", "--editors-per-doc", "1000",
            "--typists-per-doc", "100", "--rate", "2"]);
        Assert.Equal(2000, o.Editors);
        Assert.Equal(200, o.Typists);
        // Editor i is on document i % 2: editors 0..199 are the first hundred on each document.
        Assert.True(o.IsTypist(0));
        Assert.True(o.IsTypist(199));
        Assert.False(o.IsTypist(200));
    }

    [Fact]
    public void Idle_connections_subscribe_one_in_n_when_asked_and_all_by_default()
    {
        Assert.Equal(1, LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:5000/ws", "--idle-connections", "10"]).IdleSubscribeEvery);
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:5000/ws", "--idle-connections", "5000", "--idle-subscribe-every", "10"]);
        Assert.Equal(10, o.IdleSubscribeEvery);
        Assert.Throws<LoadOptionsException>(() => LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:5000/ws", "--idle-subscribe-every", "0"]));
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1.5", 1.5)]
    public void Durations_take_a_unit(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoadOptionsParser.ParseDuration(text));

    [Fact]
    public void Closed_loop_messagepack_idle_and_source_addresses_parse()
    {
        LoadOptions o = LoadOptionsParser.Parse(["--url", "ws://127.0.0.1:1/ws", "--mode", "closed", "--encoding", "msgpack",
            "--idle-connections", "10000", "--source-addresses", "4", "--server-pid", "123"]);
        Assert.Equal(LoadMode.Closed, o.Mode);
        Assert.Equal(FrameEncoding.MessagePack, o.Encoding);
        Assert.Equal(10000, o.IdleConnections);
        Assert.Equal(123, o.ServerPid);
        Assert.Equal("127.0.0.2", o.SourceAddressFor(0)!.ToString());
        Assert.Equal("127.0.0.5", o.SourceAddressFor(3)!.ToString());
        Assert.Equal("127.0.0.2", o.SourceAddressFor(4)!.ToString());
    }

    [Theory]
    [InlineData("ws://10.0.0.5:5000/ws")]
    [InlineData("ws://example.com/ws")]
    [InlineData("ws://[::1]:5000/ws")]
    [InlineData("http://127.0.0.1:5000/ws")]
    [InlineData("not a url")]
    public void Targets_outside_127_0_0_0_8_or_non_websocket_urls_are_refused(string url)
    {
        var e = Assert.Throws<LoadOptionsException>(() => LoadOptionsParser.Parse(["--url", url]));
        Assert.Contains("--url", e.Message);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5000/ws")]
    [InlineData("ws://127.1.2.3:5000/ws")]
    [InlineData("ws://localhost:5000/ws")]
    public void Loopback_targets_are_accepted(string url) =>
        Assert.Equal(new Uri(url), LoadOptionsParser.Parse(["--url", url]).Url);

    [Theory]
    [InlineData(new[] { "--docs", "5" }, "--url is required")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--docs", "0" }, "--docs must be between")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--docs", "many" }, "--docs must be an integer")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--rate", "-1" }, "--rate must be between")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--duration", "soon" }, "not a duration")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--mode", "fast" }, "--mode must be one of open, closed")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--encoding", "xml" }, "--encoding must be one of json, msgpack")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--docs" }, "--docs needs a value")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--docs", "--rate" }, "--docs needs a value")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--frobnicate" }, "Unknown option --frobnicate")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--docs", "1", "--docs", "2" }, "--docs is given twice")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "extra" }, "Unexpected argument 'extra'")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--label", "a b" }, "--label must be")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--source-addresses", "251" }, "--source-addresses must be between")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://10.0.0.1:1/" }, "--url must target 127.0.0.0/8")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--cpu-pids", "12,x" }, "--cpu-pids must be an integer")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://127.0.0.1:2/", "--cpu-pids", "12", "--kill-busiest-after", "5s" }, "at least two nodes (one must survive)")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/", "--cpu-pids", "12,13", "--kill-busiest-after", "5s" }, "--url with at least two nodes")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://127.0.0.1:2/", "--cpu-pids", "12,13", "--duration", "10s", "--kill-busiest-after", "10s" }, "must be within --duration")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://127.0.0.1:2/", "--cpu-pids", "12,13", "--kill-node", "1" }, "--kill-node needs --kill-busiest-after")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://127.0.0.1:2/", "--cpu-pids", "12,13", "--kill-busiest-after", "5s", "--kill-node", "3" }, "--kill-node 3 is past the 2 nodes")]
    [InlineData(new[] { "--url", "ws://127.0.0.1:1/,ws://127.0.0.1:2/", "--cpu-pids", "12,13", "--kill-busiest-after", "5s", "--kill-node", "0" }, "--kill-node must be between")]
    public void A_bad_command_line_gets_a_clear_error(string[] args, string expected)
    {
        var e = Assert.Throws<LoadOptionsException>(() => LoadOptionsParser.Parse(args));
        Assert.Contains(expected, e.Message);
    }
}

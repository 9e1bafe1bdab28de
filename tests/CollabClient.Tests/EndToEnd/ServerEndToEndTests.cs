using System.Diagnostics;
using System.Text.Json.Nodes;
using CollabText;
using CollabClient.Tests.Support;
using Xunit.Abstractions;

namespace CollabClient.Tests.EndToEnd;

/// <summary>What the client does against a ShareDB-protocol server; each server under test derives a class from it.</summary>
public abstract class ServerEndToEndTests(IProtocolServer server, ITestOutputHelper output)
{
    private const string Collection = "docs";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private Uri Url => server.Url;

    private static string NewDocId() => "d-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Handshake_gives_the_client_an_id()
    {
        await using CollabConnection connection = await CollabConnection.ConnectAsync(Url);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.False(string.IsNullOrEmpty(connection.Id));
    }

    [Fact]
    public async Task Create_then_fetch_returns_the_text_and_version()
    {
        string id = NewDocId();
        await using CollabConnection a = await CollabConnection.ConnectAsync(Url);
        CollabDocument doc = a.GetDocument(Collection, id);
        await doc.SubscribeAsync();
        Assert.False(doc.Exists);
        await doc.CreateAsync("hello");
        await doc.SubmitAsync(TextOp.InsertAt(5, " wörld 😀"));

        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        DocumentSnapshot snapshot = await b.FetchSnapshotAsync(Collection, id);
        Assert.Equal("hello wörld 😀", snapshot.Text);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(TextUnicodeType.Uri, snapshot.Type);
    }

    [Fact]
    public async Task Fetching_a_missing_document_says_it_does_not_exist()
    {
        await using CollabConnection a = await CollabConnection.ConnectAsync(Url);
        DocumentSnapshot snapshot = await a.FetchSnapshotAsync(Collection, NewDocId());
        Assert.Null(snapshot.Type);
        Assert.Null(snapshot.Text);
        Assert.Equal(0, snapshot.Version);
    }

    [Fact]
    public async Task Creating_a_document_that_exists_is_rejected_and_the_client_reloads_it()
    {
        string id = NewDocId();
        await using CollabConnection a = await CollabConnection.ConnectAsync(Url);
        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        CollabDocument docA = a.GetDocument(Collection, id);
        CollabDocument docB = b.GetDocument(Collection, id);
        await docA.FetchAsync();
        await docB.FetchAsync();
        await docA.CreateAsync("first");

        ShareDbServerException error = await Assert.ThrowsAsync<ShareDbServerException>(() => docB.CreateAsync("second"));
        Assert.Equal("ERR_DOC_ALREADY_CREATED", error.Code);
        await Eventually.HoldsAsync(() => docB.Text == "first", Settle, "b reloads the snapshot after the rejected create");
        Assert.Equal(1, docB.Version);
    }

    [Fact]
    public async Task Two_clients_editing_concurrently_converge_with_a_fresh_fetch()
    {
        const int editsPerClient = 150;
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed} against {server.Name}");
        string id = NewDocId();
        await using CollabConnection a = await CollabConnection.ConnectAsync(Url);
        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        CollabDocument docA = a.GetDocument(Collection, id);
        CollabDocument docB = b.GetDocument(Collection, id);
        await docA.SubscribeAsync();
        await docA.CreateAsync("shared text");
        await docB.SubscribeAsync();
        Assert.Equal("shared text", docB.Text);

        await Task.WhenAll(EditRandomlyAsync(docA, new Random(seed), editsPerClient), EditRandomlyAsync(docB, new Random(seed + 1), editsPerClient));
        await docA.WhenNothingPendingAsync().WaitAsync(Settle);
        await docB.WhenNothingPendingAsync().WaitAsync(Settle);
        await Eventually.HoldsAsync(() => docA.Version == docB.Version, Settle, "both clients reach the same version");

        await using CollabConnection verifier = await CollabConnection.ConnectAsync(Url);
        DocumentSnapshot snapshot = await verifier.FetchSnapshotAsync(Collection, id);
        Assert.Equal(snapshot.Version, docA.Version);
        Assert.Equal(snapshot.Text, docA.Text);
        Assert.Equal(snapshot.Text, docB.Text);
    }

    [Fact]
    public async Task An_op_whose_ack_was_lost_is_resent_after_reconnect_and_committed_once()
    {
        string id = NewDocId();
        await using var proxy = new InterruptibleTcpProxy(server.Url);
        await using CollabConnection a = await CollabConnection.ConnectAsync(proxy.Url);
        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        CollabDocument docA = a.GetDocument(Collection, id);
        CollabDocument docB = b.GetDocument(Collection, id);
        await docA.SubscribeAsync();
        await docA.CreateAsync("abc");
        await docB.SubscribeAsync();
        string firstId = a.Id!;
        var sent = new List<LocalOpSent>();
        var acked = new List<LocalOpAcknowledged>();
        docA.Sent += sent.Add;
        docA.Acknowledged += acked.Add;

        proxy.HoldServerBytes();
        Task ack = docA.SubmitAsync(TextOp.InsertAt(3, "X"));
        // The server committed it (b sees it) but a never hears the ack.
        await Eventually.HoldsAsync(() => docB.Text == "abcX", Settle, "the server commits the op");
        Assert.False(ack.IsCompleted);
        proxy.CutConnections();

        await ack.WaitAsync(Settle);
        Assert.Equal(1, a.ReconnectCount);
        Assert.Equal(firstId, a.Id);
        Assert.Single(sent);
        Assert.Single(acked);
        Assert.Equal(sent[0].Seq, acked[0].Seq);
        DocumentSnapshot snapshot = await b.FetchSnapshotAsync(Collection, id);
        Assert.Equal("abcX", snapshot.Text);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal("abcX", docA.Text);
        Assert.Equal(2, docA.Version);
    }

    [Fact]
    public async Task A_server_that_goes_silent_without_closing_is_taken_for_lost_after_the_keep_alive_timeout_and_the_client_reconnects()
    {
        var keepAlive = new CollabClientOptions { KeepAliveInterval = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(1) };
        // The platform checks for the pong once a second at most: up to a second to notice the quiet, one for the timeout.
        TimeSpan bound = keepAlive.KeepAliveInterval + keepAlive.KeepAliveTimeout + TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(1.5);
        await using var proxy = new InterruptibleTcpProxy(server.Url);
        await using CollabConnection a = await CollabConnection.ConnectAsync(proxy.Url, keepAlive);
        Assert.Equal(ConnectionState.Connected, a.State);

        // Half-open: the client's bytes still reach the server, nothing comes back, and nobody closes anything.
        proxy.HoldServerBytes();
        var clock = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => a.State != ConnectionState.Connected, bound + TimeSpan.FromSeconds(5), "the client notices the silent server");
        output.WriteLine($"taken for lost after {clock.Elapsed.TotalMilliseconds:0} ms, now {a.State}");
        Assert.True(clock.Elapsed <= bound, $"noticed after {clock.Elapsed}, bound {bound}");

        proxy.CutConnections(); // the path heals
        await Eventually.HoldsAsync(() => a.State == ConnectionState.Connected && a.ReconnectCount >= 1, Settle, "the client reconnects");
    }

    [Fact]
    public async Task Edits_made_while_disconnected_are_sent_after_reconnect()
    {
        string id = NewDocId();
        await using var proxy = new InterruptibleTcpProxy(server.Url);
        await using CollabConnection a = await CollabConnection.ConnectAsync(proxy.Url);
        CollabDocument docA = a.GetDocument(Collection, id);
        await docA.SubscribeAsync();
        await docA.CreateAsync("");
        proxy.CutConnections();
        for (int i = 0; i < 5; i++) docA.Submit(TextOp.InsertAt(i, "k"));
        await docA.WhenNothingPendingAsync().WaitAsync(Settle);

        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        DocumentSnapshot snapshot = await b.FetchSnapshotAsync(Collection, id);
        Assert.Equal("kkkkk", snapshot.Text);
        Assert.True(a.ReconnectCount >= 1);
    }

    [Fact]
    public async Task Presence_reaches_the_other_client_and_moves_with_ops()
    {
        string id = NewDocId();
        await using CollabConnection a = await CollabConnection.ConnectAsync(Url);
        await using CollabConnection b = await CollabConnection.ConnectAsync(Url);
        CollabDocument docA = a.GetDocument(Collection, id);
        CollabDocument docB = b.GetDocument(Collection, id);
        await docA.SubscribeAsync();
        await docA.CreateAsync("hello world");
        await docB.SubscribeAsync();
        var seen = new List<PresenceReceived>();
        docB.PresenceReceived += p => { lock (seen) seen.Add(p); };
        await docB.SubscribePresenceAsync();
        await docA.SubscribePresenceAsync();

        docA.PublishPresence(PresenceCursor.Create(6, 5));
        await Eventually.HoldsAsync(() => { lock (seen) return seen.Count == 1; }, Settle, "b receives a's cursor");
        JsonNode value = seen[0].Value!;
        Assert.Equal(6, (int)value["index"]!);
        Assert.Equal(5, (int)value["length"]!);
        Assert.Equal(a.Id, seen[0].Src);
    }

    private static async Task EditRandomlyAsync(CollabDocument doc, Random random, int edits)
    {
        for (int i = 0; i < edits; i++)
        {
            string text = doc.Text!;
            int length = TextUnicodeType.CodePointLength(text);
            TextOp op = length > 0 && random.Next(3) == 0
                ? TextOp.DeleteAt(random.Next(length), 1)
                : TextOp.InsertAt(random.Next(length + 1), random.Next(10) == 0 ? "😀" : ((char)('a' + random.Next(26))).ToString());
            try
            {
                doc.Submit(op);
            }
            catch (TextOpException)
            {
                // A remote op can land between reading Text and submitting; the edit is simply not made.
                continue;
            }
            if (random.Next(4) == 0) await Task.Delay(random.Next(3));
        }
    }
}

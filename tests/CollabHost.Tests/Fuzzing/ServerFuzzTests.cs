using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using CollabHost.Tests.Security;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using CollabHost.Tests.Support;
using Xunit.Abstractions;
using AkkaError = Akka.Event.Error;

namespace CollabHost.Tests.Fuzzing;

/// <summary>
/// Hostile frames through the real host: its receive loop, a real ConnectionActor, and the document and presence
/// actors behind it. Rate limits are lifted so every frame reaches the session.
/// </summary>
[Collection(LiveHeapCollection.Name)]
public class ServerFuzzTests(ITestOutputHelper output)
{
    private const int FramesPerBatch = 1_000;
    private const int Batches = 100;

    [Fact]
    public async Task A_hundred_thousand_hostile_frames_crash_no_actor_close_no_socket_and_leave_the_server_serving()
    {
        // Limits that are not under test are lifted: the rate limits, and the slow-consumer bound — the fuzzer sends a
        // thousand frames at a time and, on a busy CI machine, its reader can fall more than 1,000 replies behind,
        // for which the server rightly closes a connection (tested in ConnectionActorTests).
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:MessagesPerSecond=1000000", "--Collab:Connections:MessageBurst=1000000",
            "--Collab:Connections:OpsPerSecond=1000000", "--Collab:Connections:OpBurst=1000000",
            "--Collab:Connections:CreatesPerSecond=1000000", "--Collab:Connections:CreateBurst=1000000",
            "--Collab:Limits:CreatesPerSecondPerIp=1000000", "--Collab:Limits:CreateBurstPerIp=1000000",
            "--Collab:Connections:MaxQueuedFrames=1000000", "--Collab:Connections:MaxQueuedBytes=1073741824");
        var system = host.App.Services.GetRequiredService<ActorSystem>();
        var actorErrors = new ConcurrentQueue<string>();
        IActorRef collector = system.ActorOf(Props.Create(() => new ErrorCollector(actorErrors)));
        system.EventStream.Subscribe(collector, typeof(AkkaError));
        var unhandled = new ConcurrentQueue<string>();
        UnhandledExceptionEventHandler onUnhandled = (_, e) => unhandled.Enqueue(e.ExceptionObject.ToString()!);
        AppDomain.CurrentDomain.UnhandledException += onUnhandled;

        long heapBefore = LiveHeapBytes();
        await using var fuzzer = await FuzzClient.OpenAsync(host.WebSocketUrl);
        int batch = 0;
        try
        {
            FuzzFrames.Frame.Array[FramesPerBatch].Sample(frames =>
            {
                fuzzer.SendBatchAndAwaitBarrierAsync(frames, ++batch).GetAwaiter().GetResult();
                Assert.True(actorErrors.IsEmpty, "actor failed: " + actorErrors.FirstOrDefault());
            }, seed: FuzzSeed.Choose(output), iter: Batches, threads: 1, writeLine: output.WriteLine);
        }
        finally
        {
            AppDomain.CurrentDomain.UnhandledException -= onUnhandled;
        }
        long heapAfter = LiveHeapBytes();
        output.WriteLine($"{batch * FramesPerBatch:N0} frames, {fuzzer.FramesReceived:N0} frames back; " +
                         $"heap {heapBefore / 1e6:F1} MB -> {heapAfter / 1e6:F1} MB");

        Assert.Empty(unhandled);
        Assert.Empty(actorErrors);
        Assert.True(batch >= Batches);
        // Bounded: the fuzz creates documents and subscriptions, but nothing may grow with the number of frames.
        Assert.True(heapAfter - heapBefore < 256L * 1024 * 1024, $"heap grew by {(heapAfter - heapBefore) / 1e6:F1} MB");

        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("after", "fuzz", "still");
        Assert.Null((await editor.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]);
        await editor.InsertAsync("after", "fuzz", 1, "serving ");
        Assert.Null((await editor.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]);

        // The fuzz reached the documents: the corpus creates and edits fuzz/a and fuzz/b.
        long versions = 0;
        foreach (string id in new[] { "a", "b" })
        {
            await editor.FetchAsync("fuzz", id);
            versions += (long?)(await editor.ReceiveAsync(m => (string?)m["a"] == "f"))["data"]?["v"] ?? 0;
        }
        output.WriteLine($"fuzz/a and fuzz/b are at {versions} versions together");
        Assert.True(versions > 0);
    }

    private static long LiveHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetGCMemoryInfo().HeapSizeBytes;
    }

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> errors) => Receive<AkkaError>(e => errors.Enqueue(e.ToString()));
    }

    /// <summary>Sends frames as they come and drains everything the server answers on a reader task.</summary>
    private sealed class FuzzClient : IAsyncDisposable
    {
        private static readonly TimeSpan BarrierTimeout = TimeSpan.FromSeconds(60);
        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _reader = Task.CompletedTask;
        private volatile string? _awaited;
        private TaskCompletionSource _barrier = new();
        private long _received;

        public long FramesReceived => Interlocked.Read(ref _received);

        public static async Task<FuzzClient> OpenAsync(Uri url)
        {
            var client = new FuzzClient();
            client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await client._socket.ConnectAsync(url, CancellationToken.None);
            client._reader = Task.Run(client.ReadAsync);
            return client;
        }

        public async Task SendBatchAndAwaitBarrierAsync(FuzzFrame[] frames, int batch)
        {
            foreach (FuzzFrame frame in frames)
            {
                await _socket.SendAsync(frame.Payload, frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text,
                    endOfMessage: true, _stop.Token);
            }
            // A fetch of a document only this barrier names: its reply proves every frame before it was handled.
            string marker = $"barrier-{batch}";
            _barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited = "\"d\":\"" + marker + "\"";
            var fetch = new JsonObject { ["a"] = "f", ["c"] = "barrier", ["d"] = marker };
            await _socket.SendAsync(Encoding.UTF8.GetBytes(fetch.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
            if (await Task.WhenAny(_barrier.Task, Task.Delay(BarrierTimeout)) != _barrier.Task)
                throw new TimeoutException($"batch {batch}: no answer to the barrier within {BarrierTimeout.TotalSeconds} s");
            await _barrier.Task;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[256 * 1024];
            using var frame = new MemoryStream();
            try
            {
                while (true)
                {
                    WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _barrier.TrySetException(new WebSocketException(
                            $"the server closed the socket: {_socket.CloseStatus} {_socket.CloseStatusDescription}"));
                        return;
                    }
                    frame.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    Interlocked.Increment(ref _received);
                    if (result.MessageType == WebSocketMessageType.Text && _awaited is { } awaited
                        && Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length).Contains(awaited, StringComparison.Ordinal))
                    {
                        _awaited = null;
                        _barrier.TrySetResult();
                    }
                    frame.SetLength(0);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                _barrier.TrySetException(e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _reader;
            }
            catch (OperationCanceledException)
            {
            }
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}

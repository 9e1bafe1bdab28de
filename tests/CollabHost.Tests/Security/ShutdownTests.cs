using System.Net;
using System.Net.WebSockets;
using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;
using ClusterEvent = Akka.Cluster.ClusterEvent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CollabHost.Tests.Security;

/// <summary>Graceful shutdown (SIGTERM runs the same StopAsync): no new upgrades, 1001 to every socket, a cluster leave, a flushed journal.</summary>
public class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_closes_open_sockets_with_1001_going_away()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "closing", "text");
        await editor.ReceiveAsync(m => (string?)m["a"] == "op");

        Task stopping = host.App.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await editor.ReceiveCloseAsync(TimeSpan.FromSeconds(20)));
        await stopping;
    }

    [Fact]
    public async Task While_stopping_new_upgrades_get_503_readyz_says_not_ready_and_the_node_leaves_its_cluster()
    {
        await using var host = await SecuredHost.StartAsync(false);
        var system = host.App.Services.GetRequiredService<ActorSystem>();
        var lifetime = host.App.Services.GetRequiredService<IHostApplicationLifetime>();
        using var http = new HttpClient();
        Uri readyz = new(host.HttpUrl, "/readyz");
        for (int i = 0; i < 100 && (await http.GetAsync(readyz)).StatusCode != HttpStatusCode.OK; i++) await Task.Delay(200);

        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef watcher = system.ActorOf(Props.Create(() => new SelfExitWatcher(exited)));
        AkkaCluster.Get(system).Subscribe(watcher, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberExited));

        // ApplicationStopping fires before Kestrel stops listening: requests still arrive, and must be turned away.
        HttpStatusCode upgradeWhileStopping = 0, readyWhileStopping = 0;
        lifetime.ApplicationStopping.Register(() =>
        {
            upgradeWhileStopping = ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl).GetAwaiter().GetResult();
            readyWhileStopping = http.GetAsync(readyz).GetAwaiter().GetResult().StatusCode;
        });
        await host.App.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, upgradeWhileStopping);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileStopping);
        // A graceful leave (Leaving, then Exiting) is what hands the node's shards off; a crash would go Down instead.
        Assert.Same(exited.Task, await Task.WhenAny(exited.Task, Task.Delay(TimeSpan.FromSeconds(20))));
    }

    [Fact]
    public async Task Every_acknowledged_op_is_in_the_journal_after_a_stop_and_a_restart()
    {
        string dataDir = Directory.CreateTempSubdirectory("collab-shutdown-").FullName;
        try
        {
            await using (var first = await SecuredHost.StartAsync(false, $"--Collab:DataDir={dataDir}"))
            {
                using var editor = await ProtocolSocket.OpenAsync(first.WebSocketUrl);
                await editor.CreateAsync("docs", "kept", "");
                await editor.ReceiveAsync(m => (string?)m["a"] == "op");
                for (int v = 1; v <= 20; v++)
                {
                    await editor.InsertAsync("docs", "kept", v, "k");
                    Assert.Null((await editor.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]);
                }
                await first.App.StopAsync();
            }
            await using var second = await SecuredHost.StartAsync(false, $"--Collab:DataDir={dataDir}");
            using var reader = await ProtocolSocket.OpenAsync(second.WebSocketUrl);
            await reader.FetchAsync("docs", "kept");
            var fetched = await reader.ReceiveAsync(m => (string?)m["a"] == "f");
            Assert.Equal(21, (long)fetched["data"]!["v"]!);
            Assert.Equal(new string('k', 20), (string?)fetched["data"]!["data"]);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // The journal file may still be closing; the temp folder is cleaned by the OS.
            }
        }
    }

    private sealed class SelfExitWatcher : ReceiveActor
    {
        public SelfExitWatcher(TaskCompletionSource exited)
        {
            Address self = AkkaCluster.Get(Context.System).SelfAddress;
            Receive<ClusterEvent.MemberExited>(e =>
            {
                if (e.Member.Address == self) exited.TrySetResult();
            });
        }
    }
}

using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using CollabHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Cluster;

/// <summary>The cluster settings a host starts with: config/akka.hocon as the running actor system sees it.</summary>
public sealed class ClusterConfigurationTests
{
    [Fact]
    public void Seed_nodes_with_the_SQLite_journal_fail_at_start_with_a_clear_message()
    {
        using var store = JournalStore.Create(JournalStore.Sqlite);
        var error = Assert.Throws<ClusterConfigurationException>(() => CollabHostApp.Build(
        [
            "--urls", "http://127.0.0.1:0", .. store.HostArguments(),
            "--Collab:Cluster:SeedNodes:0=akka.tcp://collab@127.0.0.1:4053",
            "--Collab:Cluster:SeedNodes:1=akka.tcp://collab@127.0.0.1:4054",
        ]));
        Assert.Contains("Collab:Journal:Provider=PostgreSQL", error.Message);
        Assert.Contains("akka.tcp://collab@127.0.0.1:4053", error.Message);
        Assert.False(Directory.Exists(store.DataDir), "nothing should be created before the check");
    }

    [Fact]
    public async Task A_running_node_uses_ddata_sharding_and_the_keep_majority_split_brain_resolver()
    {
        using var store = JournalStore.Create(JournalStore.Sqlite);
        await using var host = await InProcessHost.StartAsync(store);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var config = system.Settings.Config;

        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        // Failure detection + stable-after + removal + down-removal-margin bound how long a crashed node's documents are
        // away (docs/cluster.md has the arithmetic); stable-after and the margin also let a minority side stop its
        // documents before they start on the majority (the journal's key stops a second writer of a version anyway).
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(4500), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("akka.cluster.unreachable-nodes-reaper-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("akka.cluster.leader-actions-interval"));
        Assert.Equal(TimeSpan.FromSeconds(4), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        var cluster = Akka.Cluster.Cluster.Get(system);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.DowningProvider.DownRemovalMargin);
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider", cluster.DowningProvider.GetType().FullName);
        var sharding = ClusterShardingSettings.Create(system);
        Assert.Equal(StateStoreMode.DData, sharding.StateStoreMode);
        Assert.False(sharding.RememberEntities);
        // With no seed nodes the node is a cluster of one and joins itself.
        await WaitUntilAsync(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(20));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {within}");
            await Task.Delay(100);
        }
    }
}

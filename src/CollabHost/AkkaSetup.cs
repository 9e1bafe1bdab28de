using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Presence;

namespace CollabHost;

/// <summary>The ActorSystem in the host's DI: config/akka.hocon, remoting, the cluster, the two shard regions and the node's fan-out.</summary>
public static class AkkaSetup
{
    public const string SystemName = "collab";

    /// <summary>Shards per region: about ten per node of the largest cluster we plan for.</summary>
    private const int MaxShards = 100;

    public static IServiceCollection AddCollabActors(this IServiceCollection services, CollabOptions options, IConfiguration configuration)
    {
        ClusterConfigurationException.ThrowIfJournalNotShared(options);
        string hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"));
        services.AddAkka(SystemName, builder =>
        {
            builder
                .AddHocon(hocon, HoconAddMode.Prepend)
                .AddHocon(JournalSetup.Hocon(options), HoconAddMode.Prepend)
                .WithHostLogging(configuration)
                .WithRemoting(options.Cluster.Hostname, options.Cluster.Port)
                .WithClustering(new ClusterOptions { SeedNodes = options.Cluster.SeedNodes })
                // Sharding's idle passivation is off for both regions: it stops an entity that received no message
                // for a while, subscribers or not, and a quiet document or channel would silently lose its readers.
                // The entities stop themselves once nobody is subscribed (DocumentSettings.PassivateIdleAfter).
                .WithShardRegion<PresenceRegion>("presence",
                    channel => PresenceChannelActor.Props(channel),
                    new PresenceMessageExtractor(MaxShards),
                    new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, ShouldPassivateIdleEntities = false })
                .WithShardRegion<DocumentRegion>("document",
                    (_, registry) => entityId => DocumentActor.Props(
                        DocumentId.FromEntityId(entityId), options.Documents, registry.Get<PresenceRegion>()),
                    new DocumentMessageExtractor(MaxShards),
                    new ShardOptions
                    {
                        StateStoreMode = StateStoreMode.DData,
                        RememberEntities = false,
                        // Documents snapshot on the way out (DocumentCommands.Stop), when they passivate and when a
                        // shard hands off because this node leaves.
                        ShouldPassivateIdleEntities = false,
                        HandOffStopMessage = DocumentCommands.Stop.Instance,
                    })
                .WithActors((system, _) =>
                {
                    // Every node has one, at the same path: documents on any node push their ops to it.
                    NodeFanoutSetup.StartOn(system);
                    // Every node has one too: a document request dead-lettered on its way to a dead node is sent again.
                    system.ActorOf(UndeliveredRequestWatch.Props(), UndeliveredRequestWatch.Name);
                    // And one that tells its connections when a node is removed: requests lost without a dead letter are sent again.
                    system.ActorOf(NodeRemovedBroadcast.Props(), NodeRemovedBroadcast.Name);
                    // Without seed nodes this node is a cluster of one: it joins itself at the address it bound.
                    if (options.Cluster.SeedNodes.Length == 0)
                    {
                        var cluster = Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                });
        });
        return services;
    }
}

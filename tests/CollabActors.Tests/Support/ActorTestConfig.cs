using Akka.Configuration;

namespace CollabActors.Tests.Support;

/// <summary>
/// The actor system every actor test runs on: config/akka.hocon's serializers and bindings on a local provider, with
/// <c>serialize-messages = on</c>, so every message an actor sends is serialized and read back as if it crossed
/// nodes, and with Akka's catch-all binding (System.Object, normally JSON with type names) replaced by
/// <see cref="UnboundMessageSerializer"/>: a message type without its own binding fails the test that sends it.
/// </summary>
public static class ActorTestConfig
{
    /// <summary>
    /// Settings for an actor system that is a node of its own: Akka.Remote over TCP on 127.0.0.1 (the transport a
    /// cluster uses) on a free port, messages serialized only when they really cross.
    /// </summary>
    public const string RemoteNode = """
        akka.loglevel = WARNING
        akka.actor.provider = remote
        akka.actor.serialize-messages = off
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """;

    public static Config Create(string testSettings = "") =>
        ConfigurationFactory.ParseString(testSettings)
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.actor.provider = local
                akka.actor.serialize-messages = on
                akka.actor.serializers.unbound = "CollabActors.Tests.Support.UnboundMessageSerializer, CollabActors.Tests"
                akka.actor.serialization-bindings { "System.Object" = unbound }
                akka.actor.serialization-identifiers { "CollabActors.Tests.Support.UnboundMessageSerializer, CollabActors.Tests" = 4199 }
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"))))
            // Akka.Persistence adds its serializers only when it starts, after the bindings were read: without them
            // here, journal writes would go through the catch-all JSON serializer, which a real journal never does.
            .WithFallback(Akka.Persistence.Persistence.DefaultConfig());
}

using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace CollabActors.Tests.Support;

/// <summary>
/// Stands in for Akka's catch-all serializer (System.Object) in tests with serialize-messages on. One of our types
/// landing here has no binding in config/akka.hocon: refused, and the test that sent it fails. Akka's own local
/// protocol messages without a binding of their own (a journal write carrying our event, for instance) are not ours
/// to check and never cross nodes: they are handed through as the same instance instead of being put through JSON.
/// </summary>
public sealed class UnboundMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    private static readonly ConcurrentDictionary<long, object> InFlight = new();
    private static long _nextId;

    public override int Identifier => 4199;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        if (IsOurs(obj.GetType())) throw new UnboundMessageException(obj.GetType());
        long id = Interlocked.Increment(ref _nextId);
        InFlight[id] = obj;
        return BitConverter.GetBytes(id);
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (type is not null && IsOurs(type)) throw new UnboundMessageException(type);
        return InFlight.TryRemove(BitConverter.ToInt64(bytes), out object? obj)
            ? obj
            : throw new InvalidOperationException("UnboundMessageSerializer only reads what it wrote in this process.");
    }

    private static bool IsOurs(Type type) => type.Assembly.GetName().Name?.StartsWith("CollabActors", StringComparison.Ordinal) == true;
}

/// <summary>A message was sent whose type config/akka.hocon binds to no serializer of ours.</summary>
public sealed class UnboundMessageException(Type type)
    : InvalidOperationException($"{type.FullName} has no serialization binding in config/akka.hocon; it would fall back to Akka's JSON serializer.");

namespace CollabActors.Serialization;

/// <summary>
/// A message that may cross nodes (between connections, documents, presence channels and fan-outs). config/akka.hocon
/// binds this interface, one line for all of them, to <see cref="ClusterMessageSerializer"/>, whose table gives each
/// type a fixed manifest; a type that implements it without an entry there fails to serialize (and fails the actor
/// tests, which serialize every message).
/// </summary>
public interface IClusterMessage;

using Akka.Actor;

namespace CollabActors.Connections;

/// <summary>
/// A member was removed from the cluster (downed after a crash, or left): told to every connection on this node by
/// <see cref="NodeRemovedBroadcast"/>. A request still unanswered may have been lost on its way to a document that
/// lived there, so the connection sends its unanswered requests again (<see cref="ConnectionSession.NodeRemoved"/>).
/// </summary>
public sealed record NodeRemoved(Address Node) : INoSerializationVerificationNeeded;

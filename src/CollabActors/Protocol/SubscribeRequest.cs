namespace CollabActors.Protocol;

/// <summary><c>s</c>: subscribe to a document; with <see cref="Version"/>, the ops since it come first.</summary>
public sealed record SubscribeRequest(string Collection, string DocumentId, long? Version) : ClientMessage
{
    public override string Action => MessageActions.Subscribe;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId, Version: Version);
}

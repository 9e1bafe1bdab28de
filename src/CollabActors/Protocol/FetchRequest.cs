namespace CollabActors.Protocol;

/// <summary><c>f</c>: fetch a document's snapshot, or when <see cref="Version"/> is given, the ops since it.</summary>
public sealed record FetchRequest(string Collection, string DocumentId, long? Version) : ClientMessage
{
    public override string Action => MessageActions.Fetch;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId, Version: Version);
}

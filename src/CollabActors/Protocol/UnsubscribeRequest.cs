namespace CollabActors.Protocol;

/// <summary><c>u</c>: stop receiving a document's ops.</summary>
public sealed record UnsubscribeRequest(string Collection, string DocumentId) : ClientMessage
{
    public override string Action => MessageActions.Unsubscribe;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId);
}

namespace CollabActors.Protocol;

/// <summary>
/// Reply to <c>bf</c>/<c>bs</c>/<c>bu</c>. When snapshots were asked for, <see cref="Data"/> maps each id to its
/// snapshot or error; otherwise (versions given, or an unsubscribe) the request's <c>b</c> is echoed.
/// </summary>
public sealed record BulkReply(
    string ReplyAction,
    string Collection,
    IReadOnlyDictionary<string, BulkItemResult>? Data,
    BulkSelection? Documents) : ServerMessage
{
    public override string Action => ReplyAction;
}

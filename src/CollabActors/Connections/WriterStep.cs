namespace CollabActors.Connections;

/// <summary>
/// What the owner of a <see cref="SocketWriter"/> does next: pipe <see cref="Write"/> back as write completed (or
/// failed), call <see cref="SocketWriter.WriteDue"/> after <see cref="WriteAfter"/>, abort the socket if a close
/// (<see cref="CloseStarted"/>) is not done within the close timeout, and stop once <see cref="Finished"/>.
/// </summary>
internal readonly record struct WriterStep(Task? Write, TimeSpan? WriteAfter = null, bool CloseStarted = false, bool Finished = false)
{
    public static WriterStep None => default;
}

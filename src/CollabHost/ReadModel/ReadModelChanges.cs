namespace CollabHost.ReadModel;

/// <summary>
/// Tells whoever listens on this node that the projector has just written read-model rows (and moved its position),
/// so live queries look at once instead of at their next poll. Raised on the projector's thread after its commit;
/// listeners must only set a flag or release a wait.
/// </summary>
public sealed class ReadModelChanges
{
    public event Action? Written;

    public void Raise() => Written?.Invoke();
}

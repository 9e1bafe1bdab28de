namespace CollabLoad.Options;

/// <summary>How editors pace their edits.</summary>
public enum LoadMode
{
    /// <summary>Each editor types at the set rate whatever the server does (edits compose while an op waits).</summary>
    Open,
    /// <summary>Each editor makes its next edit as soon as the previous one is acknowledged.</summary>
    Closed,
}

namespace CollabClient.Ot;

/// <summary>What the client state did with an op the server sent.</summary>
public enum RemoteOpOutcome
{
    /// <summary>Transformed past the local ops and applied to the local text.</summary>
    Applied,
    /// <summary>Older than the local version: a duplicate (for example a catch-up overlap), ignored.</summary>
    AlreadyHave,
    /// <summary>Newer than the next expected version: ops are missing; the caller must resynchronise.</summary>
    Gap,
}

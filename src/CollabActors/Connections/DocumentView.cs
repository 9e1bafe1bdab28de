namespace CollabActors.Connections;

/// <summary>What one connection knows of one document: whether it is subscribed, and which version it has seen up to.</summary>
internal sealed class DocumentView
{
    /// <summary>The client asked to subscribe and has not unsubscribed since (counts against the subscription limit).</summary>
    public bool WantsSubscription { get; set; }

    /// <summary>How many of the connection's live subscribe queries hold the document in their results (not counted against the subscription limit).</summary>
    public int QueryHolds { get; set; }

    /// <summary>The document should push ops to this connection: the client subscribed, or a live query holds it.</summary>
    public bool Held => WantsSubscription || QueryHolds > 0;

    /// <summary>The document pushes ops to this connection.</summary>
    public bool Subscribed { get; set; }

    /// <summary>The version of the next op the client needs; ops below it were already sent (never send one twice).</summary>
    public long? NextVersion { get; set; }
}

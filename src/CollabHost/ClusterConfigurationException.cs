namespace CollabHost;

/// <summary>The host's settings describe a cluster that cannot work; thrown at start, before anything listens.</summary>
public sealed class ClusterConfigurationException(string message) : InvalidOperationException(message)
{
    /// <summary>
    /// A node with seed nodes is (or will be) one of several: each document must be able to start on any of them and
    /// find its events, so they share one PostgreSQL journal. An embedded SQLite file is private to one node: a
    /// document that moved to another node would start from another history, or none.
    /// </summary>
    public static void ThrowIfJournalNotShared(CollabOptions options)
    {
        if (options.Cluster.SeedNodes.Length == 0) return;
        if (options.Journal.Provider.Equals(JournalOptions.PostgreSql, StringComparison.OrdinalIgnoreCase)) return;
        throw new ClusterConfigurationException(
            $"Collab:Cluster:SeedNodes is set ({string.Join(", ", options.Cluster.SeedNodes)}), so this node is part of " +
            $"a cluster, but Collab:Journal:Provider is '{options.Journal.Provider}'. Every node of a cluster must use " +
            "the same PostgreSQL journal: set Collab:Journal:Provider=PostgreSQL and Collab:Journal:ConnectionString " +
            "(environment: Collab__Journal__Provider, Collab__Journal__ConnectionString), or remove the seed nodes to " +
            "run one node on SQLite. See docs/cluster.md.");
    }
}

namespace CollabQueryBench;

/// <summary>A query the bench times: a name for the table and the query as a client sends it in <c>qf</c>.</summary>
public sealed record QueryShape(string Name, string Json);

/// <summary>The shapes issue 18 asks about, over <see cref="TaskCorpus"/>'s fields.</summary>
public static class QueryShapes
{
    /// <summary>The busiest owner (about 4.5 % of the documents).</summary>
    public static readonly string BusyOwner = TaskCorpus.Owner(0);

    public static readonly QueryShape OpenNewestFirst =
        new("open, newest first", """{"status":"open","$sort":{"_m.mtime":-1},"$limit":50}""");

    public static readonly QueryShape OwnerByPriority =
        new("owner, by priority", $$"""{"owner":"{{BusyOwner}}","$sort":{"priority":-1},"$limit":50}""");

    public static readonly QueryShape CountOpen = new("count open", """{"status":"open","$count":true}""");

    public static readonly QueryShape OpenPage21 =
        new("open, newest first, $skip 1000", """{"status":"open","$sort":{"_m.mtime":-1},"$skip":1000,"$limit":50}""");

    public static readonly QueryShape AllNewestFirst = new("all, newest first", """{"$sort":{"_m.mtime":-1},"$limit":50}""");

    public static IReadOnlyList<QueryShape> All => [OpenNewestFirst, OwnerByPriority, CountOpen, OpenPage21, AllNewestFirst];
}

namespace CollabHost.Tests.Support;

/// <summary>
/// Tests that bound the growth of the live heap run alone: the heap is the whole process's, so another test
/// allocating meanwhile (a server holding a fuzzer's presences and large frames, a 32 MiB paste, a host starting)
/// would count against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveHeapCollection
{
    public const string Name = "Live heap";
}

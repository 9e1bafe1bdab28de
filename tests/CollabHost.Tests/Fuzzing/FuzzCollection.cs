namespace CollabHost.Tests.Fuzzing;

/// <summary>
/// The fuzz tests run alone: each bounds the growth of the live heap, which is the whole process's, so another test
/// allocating meanwhile (a server holding the fuzzer's presences and large frames, a 32 MiB paste) would count against
/// it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzzing";
}

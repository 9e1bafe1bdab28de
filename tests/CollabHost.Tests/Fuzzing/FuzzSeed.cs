using CsCheck;
using Xunit.Abstractions;

namespace CollabHost.Tests.Fuzzing;

/// <summary>The CsCheck seed of a fuzz run: COLLAB_FUZZ_SEED to replay one, otherwise a fresh one. Always printed.</summary>
public static class FuzzSeed
{
    public static string Choose(ITestOutputHelper output)
    {
        string seed = Environment.GetEnvironmentVariable("COLLAB_FUZZ_SEED")
                      ?? new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64()).ToString();
        output.WriteLine($"seed {seed} (replay: COLLAB_FUZZ_SEED={seed})");
        return seed;
    }
}

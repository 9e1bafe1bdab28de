using CollabActors.Protocol;
using CollabHost.Tests.Support;
using CsCheck;
using Xunit.Abstractions;

namespace CollabHost.Tests.Fuzzing;

/// <summary>The wire decoders on hostile input: every frame decodes to a message or an error value, never an exception.</summary>
[Collection(LiveHeapCollection.Name)]
public class DecoderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hundred_thousand_random_and_mutated_frames_decode_without_an_exception_and_in_bounded_memory()
    {
        long before = LiveHeapBytes();
        int unreadable = 0, decoded = 0;
        FuzzFrames.Frame.Sample(frame =>
        {
            IWireCodec codec = WireCodecs.For(frame.Binary ? WireEncoding.MessagePack : WireEncoding.Json);
            // Both decoders see every frame: a binary frame's bytes may also arrive as text, and the reverse.
            ClientMessage message = codec.Decode(frame.Payload);
            ClientMessage other = WireCodecs.For(frame.Binary ? WireEncoding.Json : WireEncoding.MessagePack).Decode(frame.Payload);
            Assert.NotNull(other);
            if (message is UnreadableMessage) unreadable++;
            else decoded++;
            // The error reply to it must encode too (it echoes the request's routing fields).
            if (message is UnreadableMessage u) Assert.NotEmpty(codec.Encode(new ErrorReply(u.Request, u.Error)));
        }, seed: FuzzSeed.Choose(output), iter: 100_000, threads: 1, writeLine: output.WriteLine);
        long after = LiveHeapBytes();

        output.WriteLine($"decoded {decoded:N0} as messages, {unreadable:N0} as errors; heap {before / 1e6:F1} MB -> {after / 1e6:F1} MB");
        Assert.Equal(100_000, decoded + unreadable);
        Assert.True(decoded > 10_000 && unreadable > 10_000, "the generator must reach both outcomes often");
        Assert.True(after - before < 64 * 1024 * 1024, $"heap grew by {(after - before) / 1e6:F1} MB");
    }

    private static long LiveHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetGCMemoryInfo().HeapSizeBytes;
    }
}

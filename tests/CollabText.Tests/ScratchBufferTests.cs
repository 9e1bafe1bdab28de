using System.Buffers;

namespace CollabText.Tests;

/// <summary>The thread's byte buffer: handed back empty, never to two writers at once, and not kept once large.</summary>
public sealed class ScratchBufferTests
{
    [Fact]
    public void A_returned_buffer_is_the_next_one_taken_and_comes_back_empty()
    {
        ArrayBufferWriter<byte> first = ScratchBuffer.Take();
        first.Write(new byte[] { 1, 2, 3 });
        Assert.True(ScratchBuffer.Return(first));
        ArrayBufferWriter<byte> second = ScratchBuffer.Take();
        Assert.Same(first, second);
        Assert.Equal(0, second.WrittenCount);
        ScratchBuffer.Return(second);
    }

    [Fact]
    public void A_buffer_taken_while_the_threads_is_in_use_is_another()
    {
        ArrayBufferWriter<byte> outer = ScratchBuffer.Take();
        ArrayBufferWriter<byte> inner = ScratchBuffer.Take();
        Assert.NotSame(outer, inner);
        ScratchBuffer.Return(inner);
        ScratchBuffer.Return(outer);
    }

    [Fact]
    public void A_buffer_grown_past_the_kept_capacity_is_not_kept()
    {
        ArrayBufferWriter<byte> large = ScratchBuffer.Take();
        large.Write(new byte[ScratchBuffer.KeptCapacity + 1]);
        Assert.False(ScratchBuffer.Return(large));
        ArrayBufferWriter<byte> next = ScratchBuffer.Take();
        Assert.NotSame(large, next);
        ScratchBuffer.Return(next);
    }
}

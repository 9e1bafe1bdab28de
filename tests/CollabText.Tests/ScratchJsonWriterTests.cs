using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CollabText.Tests;

/// <summary>The per-thread JSON buffer gives each call exactly what that call wrote, whatever came before it.</summary>
public sealed class ScratchJsonWriterTests
{
    private static void WriteText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    private static byte[] Fresh(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) WriteText(writer, text);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Each_call_returns_what_it_wrote_and_nothing_of_a_longer_one_before_it()
    {
        string[] texts = ["a long text first, " + new string('x', 500), "short", "", "émoji 🎉 and \"quotes\"\n", "short again"];
        foreach (string text in texts)
        {
            Assert.Equal(Fresh(text), ScratchJsonWriter.ToUtf8(text, WriteText));
            Assert.Equal(Encoding.UTF8.GetString(Fresh(text)), ScratchJsonWriter.ToText(text, WriteText));
        }
    }

    [Fact]
    public void A_text_larger_than_the_kept_buffer_is_written_whole_and_the_next_call_is_unaffected()
    {
        string large = new('y', ScratchBuffer.KeptCapacity * 2);
        Assert.Equal(Fresh(large), ScratchJsonWriter.ToUtf8(large, WriteText));
        Assert.Equal(Fresh("after"), ScratchJsonWriter.ToUtf8("after", WriteText));
    }

    [Fact]
    public void A_write_inside_a_write_gets_its_own_buffer()
    {
        byte[]? inner = null;
        byte[] outer = ScratchJsonWriter.ToUtf8("outer", (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("before", text);
            inner = ScratchJsonWriter.ToUtf8("inner", WriteText);
            writer.WriteString("after", text);
            writer.WriteEndObject();
        });
        Assert.Equal("""{"before":"outer","after":"outer"}""", Encoding.UTF8.GetString(outer));
        Assert.Equal(Fresh("inner"), inner);
    }

    [Fact]
    public void A_write_that_throws_halfway_leaves_nothing_behind_for_the_next()
    {
        Assert.Throws<InvalidOperationException>(() => ScratchJsonWriter.ToUtf8(0, (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteString("half", "written");
            throw new InvalidOperationException("the caller's own failure");
        }));
        Assert.Equal(Fresh("next"), ScratchJsonWriter.ToUtf8("next", WriteText));
    }

    [Fact]
    public void Threads_writing_at_once_each_get_their_own_bytes()
    {
        string[] results = new string[8];
        Parallel.For(0, results.Length, i =>
        {
            for (int round = 0; round < 200; round++)
            {
                string text = $"thread {i} round {round} " + new string('z', (i * 37 + round) % 300);
                string written = ScratchJsonWriter.ToText(text, WriteText);
                Assert.Equal(Encoding.UTF8.GetString(Fresh(text)), written);
                results[i] = written;
            }
        });
        Assert.All(results, Assert.NotNull);
    }
}

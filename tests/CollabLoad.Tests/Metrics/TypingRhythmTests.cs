using CollabLoad.Editing;

namespace CollabLoad.Tests.Metrics;

public sealed class TypingRhythmTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(5.0)]
    [InlineData(40.0)]
    public void Bursts_and_pauses_average_out_to_the_configured_rate(double rate)
    {
        var rhythm = new TypingRhythm(new Random(3), rate);
        double total = 0;
        const int edits = 20_000;
        int bursts = 0;
        for (int i = 0; i < edits; i++)
        {
            total += rhythm.NextInterval().TotalSeconds;
            if (rhythm.BurstEnded) bursts++;
        }
        double measuredRate = edits / total;
        Assert.InRange(measuredRate, rate * 0.95, rate * 1.05);
        Assert.InRange(bursts, edits / 12, edits / 3);
    }

    [Fact]
    public void Keystrokes_always_fit_the_text_and_keep_the_cursor_inside_it()
    {
        var keys = new KeystrokeGenerator(new Random(11), maxDocLength: 50);
        string text = "";
        for (int i = 0; i < 5000; i++)
        {
            CollabText.TextOp? op = keys.NextEdit(text);
            if (op is not null) text = CollabText.TextUnicodeType.Apply(text, op);
            Assert.InRange(keys.Cursor, 0, CollabText.TextUnicodeType.CodePointLength(text));
        }
        Assert.InRange(CollabText.TextUnicodeType.CodePointLength(text), 1, 200);
    }
}

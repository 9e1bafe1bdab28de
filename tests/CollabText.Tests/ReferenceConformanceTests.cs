using System.Text.Encodings.Web;
using System.Text.Json;
using CollabText;
using Xunit.Abstractions;

namespace CollabText.Tests;

/// <summary>
/// Replays the cases tests/conformance/generate-cases.js wrote with the reference ot-text-unicode 4.0.0
/// (tests/conformance/cases.jsonl) through our engine: every result must match exactly, every input the reference
/// rejects we must reject too, and every documented stricter case must be rejected by us.
/// </summary>
public sealed class ReferenceConformanceTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<ConformanceCase>> Cases = new(ConformanceCase.LoadAll);

    [Fact]
    public void The_generated_cases_cover_every_operation_and_are_enough()
    {
        var cases = Cases.Value;
        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases in {ConformanceCase.FilePath}");
        foreach (string kind in new[] { "apply", "transform", "compose", "transformPosition" })
            Assert.True(cases.Count(c => c.Kind == kind) >= 1000, $"fewer than 1000 {kind} cases");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "left");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "right");
        Assert.Contains(cases, c => c.Error is not null);
        Assert.Contains(cases, c => c.Stricter is not null);
    }

    [Fact]
    public void Apply_matches_the_reference() => Replay("apply", c =>
    {
        var doc = c.Json.GetProperty("doc").GetString()!;
        var op = TextOp.Parse(c.Json.GetProperty("op").GetRawText());
        var fromString = TextUnicodeType.Apply(doc, op);
        var document = new TextDocument(doc);
        document.Apply(op);
        var fromDocument = document.ToString();
        if (fromString != fromDocument)
            throw new ConformanceMismatch($"TextUnicodeType.Apply gave {Show(fromString)} but TextDocument.Apply gave {Show(fromDocument)}");
        return (fromString, Show(fromString));
    }, expected => expected.GetString());

    [Fact]
    public void Transform_left_and_right_match_the_reference() => Replay("transform", c =>
    {
        var op = TextOp.Parse(c.Json.GetProperty("op").GetRawText());
        var other = TextOp.Parse(c.Json.GetProperty("other").GetRawText());
        var side = c.Json.GetProperty("side").GetString() switch
        {
            "left" => TransformSide.Left,
            "right" => TransformSide.Right,
            var s => throw new InvalidDataException($"case {c.Id}: side {s}"),
        };
        var result = TextUnicodeType.Transform(op, other, side);
        return (result, result.ToJson());
    }, expected => TextOp.Parse(expected.GetRawText()));

    [Fact]
    public void Compose_matches_the_reference() => Replay("compose", c =>
    {
        var a = TextOp.Parse(c.Json.GetProperty("a").GetRawText());
        var b = TextOp.Parse(c.Json.GetProperty("b").GetRawText());
        var result = TextUnicodeType.Compose(a, b);
        return (result, result.ToJson());
    }, expected => TextOp.Parse(expected.GetRawText()));

    [Fact]
    public void TransformPosition_matches_the_reference() => Replay("transformPosition", c =>
    {
        var op = TextOp.Parse(c.Json.GetProperty("op").GetRawText());
        var result = TextUnicodeType.TransformPosition(c.Json.GetProperty("cursor").GetInt32(), op);
        return (result, result.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }, expected => expected.GetInt32());

    /// <summary>
    /// Runs every case of one kind and fails listing all that differ. A case the reference rejects, or that is
    /// marked stricter, must throw a <see cref="TextOpException"/>; any other case must give the reference's result.
    /// </summary>
    private void Replay(string kind, Func<ConformanceCase, (object Value, string Shown)> run, Func<JsonElement, object?> expectedOf)
    {
        var mismatches = new List<string>();
        int matched = 0, rejected = 0, stricter = 0;
        foreach (var c in Cases.Value.Where(c => c.Kind == kind))
        {
            (object Value, string Shown)? actual = null;
            Exception? thrown = null;
            try
            {
                actual = run(c);
            }
            catch (Exception e)
            {
                thrown = e;
            }

            string? problem;
            if (thrown is ConformanceMismatch mismatch)
                problem = mismatch.Message;
            else if (c.Error is not null || c.Stricter is not null)
            {
                problem = thrown switch
                {
                    null => $"we returned {actual!.Value.Shown}, expected a rejection",
                    TextOpException => null,
                    _ => $"we threw {thrown.GetType().Name} ({thrown.Message}), expected a TextOpException",
                };
                // A stricter case is one where the reference silently truncates a delete: it must be our length check.
                if (problem is null && c.Stricter == "delete-past-end" && thrown is not OpTooLongException)
                    problem = $"we threw {thrown!.GetType().Name} ({thrown.Message}), expected OpTooLongException";
                if (problem is null && c.Stricter is not null) stricter++;
                else if (problem is null) rejected++;
            }
            else if (thrown is not null)
                problem = $"we threw {thrown.GetType().Name}: {thrown.Message}";
            else
            {
                var expected = expectedOf(c.Result!.Value);
                problem = Equals(expected, actual!.Value.Value) ? null : $"we returned {actual.Value.Shown}, reference {c.Result!.Value.GetRawText()}";
                if (problem is null) matched++;
            }
            if (problem is not null) mismatches.Add($"case {c.Id}: {problem}\n    {c.Json.GetRawText()}");
        }

        output.WriteLine($"{kind}: {matched} results equal to the reference's, {rejected} inputs rejected by both, " +
                         $"{stricter} rejected by our stricter validation, {mismatches.Count} mismatches " +
                         $"(cases: {ConformanceCase.FilePath})");
        Assert.True(matched > 0, $"no {kind} case produced a result");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} {kind} cases differ from ot-text-unicode 4.0.0:\n" + string.Join("\n", mismatches.Take(20)));
    }

    // Readable in failure messages: astral characters and marks as themselves, not as \u escapes.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Show(string s) => JsonSerializer.Serialize(s, Readable);

    private sealed class ConformanceMismatch(string message) : Exception(message);
}

/// <summary>One line of tests/conformance/cases.jsonl.</summary>
internal sealed record ConformanceCase(int Id, string Kind, JsonElement Json, JsonElement? Result, string? Error, string? Stricter)
{
    // Copied next to the test assembly by CollabActors.Tests.csproj from tests/conformance/cases.jsonl.
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "conformance", "cases.jsonl");

    public static IReadOnlyList<ConformanceCase> LoadAll()
    {
        if (!File.Exists(FilePath))
            throw new FileNotFoundException(
                "Conformance cases missing; regenerate with: cd tests/conformance && npm ci && node generate-cases.js", FilePath);
        var cases = new List<ConformanceCase>();
        foreach (string line in File.ReadLines(FilePath))
        {
            if (line.Length == 0) continue;
            var json = JsonDocument.Parse(line).RootElement;
            cases.Add(new ConformanceCase(
                json.GetProperty("id").GetInt32(),
                json.GetProperty("kind").GetString()!,
                json,
                json.TryGetProperty("result", out var result) ? result : null,
                json.TryGetProperty("error", out var error) ? error.GetString() : null,
                json.TryGetProperty("stricter", out var stricter) ? stricter.GetString() : null));
        }
        return cases;
    }
}

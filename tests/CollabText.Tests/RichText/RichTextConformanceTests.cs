using System.Text.Json;
using CollabText.RichText;
using Xunit.Abstractions;

namespace CollabText.Tests.RichText;

/// <summary>
/// Replays the cases tests/conformance-richtext/generate-cases.js wrote with the reference rich-text 4.1.0
/// (quill-delta 4.2.2) through <see cref="RichTextType"/>: every result must equal the reference's, op for op, and
/// every case marked "reject" must be refused with the exception its reason names.
/// </summary>
public sealed class RichTextConformanceTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<RichTextCase>> Cases = new(RichTextCase.LoadAll);

    [Fact]
    public void The_generated_cases_cover_every_operation_and_are_enough()
    {
        var cases = Cases.Value;
        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases in {RichTextCase.FilePath}");
        foreach (string kind in new[] { "apply", "transform", "compose" })
            Assert.True(cases.Count(c => c.Kind == kind) >= 1000, $"fewer than 1000 {kind} cases");
        foreach (string kind in new[] { "invert", "transformPosition", "transformPresence" })
            Assert.True(cases.Count(c => c.Kind == kind) >= 300, $"fewer than 300 {kind} cases");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "left");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "right");
        foreach (string reason in new[] { "invalid-op", "not-a-document", "op-past-end", "base-too-short", "splits-surrogate-pair" })
            Assert.Contains(cases, c => c.Reject == reason);
    }

    [Fact]
    public void Apply_matches_the_reference() => Replay("apply", c =>
    {
        var result = RichTextType.Apply(Delta.Parse(c.Json.GetProperty("doc")), Delta.Parse(c.Json.GetProperty("op")));
        if (!Delta.Parse(result.ToJson()).Equals(result))
            throw new ConformanceMismatch($"{result.ToJson()} does not read back as itself");
        return result;
    });

    [Fact]
    public void Transform_left_and_right_match_the_reference() => Replay("transform", c =>
    {
        var side = c.Json.GetProperty("side").GetString() switch
        {
            "left" => TransformSide.Left,
            "right" => TransformSide.Right,
            var s => throw new InvalidDataException($"case {c.Id}: side {s}"),
        };
        return RichTextType.Transform(Delta.Parse(c.Json.GetProperty("op")), Delta.Parse(c.Json.GetProperty("other")), side);
    });

    [Fact]
    public void Compose_matches_the_reference() => Replay("compose", c =>
        RichTextType.Compose(Delta.Parse(c.Json.GetProperty("a")), Delta.Parse(c.Json.GetProperty("b"))));

    [Fact]
    public void Invert_against_the_base_matches_the_reference() => Replay("invert", c =>
        RichTextType.Invert(Delta.Parse(c.Json.GetProperty("op")), Delta.Parse(c.Json.GetProperty("base"))));

    [Fact]
    public void TransformPosition_matches_the_reference() => Replay("transformPosition", c =>
        RichTextType.TransformPosition(c.Json.GetProperty("index").GetInt32(), Delta.Parse(c.Json.GetProperty("op")),
            c.Json.GetProperty("priority").GetBoolean()));

    [Fact]
    public void TransformPresence_matches_the_reference() => Replay("transformPresence", c =>
        RichTextType.TransformPresence(c.Json.GetProperty("range"), Delta.Parse(c.Json.GetProperty("op")),
            c.Json.GetProperty("isOwnOp").GetBoolean())!.Value);

    /// <summary>
    /// Runs every case of one kind and fails listing all that differ: a "reject" case must throw the exception its
    /// reason names, any other must give the reference's result (deltas compared op by op, JSON values deeply).
    /// </summary>
    private void Replay(string kind, Func<RichTextCase, object> run)
    {
        var mismatches = new List<string>();
        int matched = 0, rejected = 0;
        foreach (var c in Cases.Value.Where(c => c.Kind == kind))
        {
            object? actual = null;
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
            if (thrown is ConformanceMismatch mismatch) problem = mismatch.Message;
            else if (c.Reject is not null)
            {
                Type expected = c.Reject switch
                {
                    "invalid-op" or "not-a-document" => typeof(InvalidDeltaException),
                    "op-past-end" or "base-too-short" => typeof(DeltaTooLongException),
                    "splits-surrogate-pair" => typeof(SurrogatePairSplitException),
                    var r => throw new InvalidDataException($"case {c.Id}: unknown reject reason {r}"),
                };
                problem = thrown is null ? $"we returned {Show(actual)}, expected {expected.Name} ({c.Reject})"
                    : thrown.GetType() != expected ? $"we threw {thrown.GetType().Name} ({thrown.Message}), expected {expected.Name} ({c.Reject})"
                    : null;
                if (problem is null) rejected++;
            }
            else if (c.Error is not null)
                problem = thrown is RichTextException ? null : $"the reference threw ({c.Error}); we gave {(thrown is null ? Show(actual) : thrown.GetType().Name)}";
            else if (thrown is not null) problem = $"we threw {thrown.GetType().Name}: {thrown.Message}";
            else
            {
                problem = SameAsReference(actual!, c.Result!.Value) ? null : $"we returned {Show(actual)}, reference {c.Result!.Value.GetRawText()}";
                if (problem is null) matched++;
            }
            if (problem is not null) mismatches.Add($"case {c.Id}: {problem}\n    {c.Json.GetRawText()}");
        }

        output.WriteLine($"{kind}: {matched} results equal to the reference's, {rejected} inputs rejected as the cases say, " +
                         $"{mismatches.Count} mismatches (cases: {RichTextCase.FilePath})");
        Assert.True(matched > 0, $"no {kind} case produced a result");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} {kind} cases differ from rich-text 4.1.0:\n" + string.Join("\n", mismatches.Take(20)));
    }

    private static bool SameAsReference(object actual, JsonElement expected) => actual switch
    {
        Delta delta => delta.Equals(Delta.Parse(expected)),
        int position => expected.ValueKind == JsonValueKind.Number && expected.GetInt32() == position,
        JsonElement json => JsonElement.DeepEquals(json, expected),
        _ => throw new InvalidOperationException($"unexpected result type {actual.GetType()}"),
    };

    private static string Show(object? value) => value switch
    {
        Delta delta => delta.ToJson(),
        JsonElement json => json.GetRawText(),
        _ => value?.ToString() ?? "null",
    };

    private sealed class ConformanceMismatch(string message) : Exception(message);
}

/// <summary>One line of tests/conformance-richtext/cases.jsonl.</summary>
internal sealed record RichTextCase(int Id, string Kind, JsonElement Json, JsonElement? Result, string? Error, string? Reject)
{
    // Copied next to the test assembly by CollabText.Tests.csproj from tests/conformance-richtext/cases.jsonl.
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "conformance-richtext", "cases.jsonl");

    public static IReadOnlyList<RichTextCase> LoadAll()
    {
        if (!File.Exists(FilePath))
            throw new FileNotFoundException(
                "Rich-text conformance cases missing; regenerate with: cd tests/conformance-richtext && npm ci && node generate-cases.js", FilePath);
        var cases = new List<RichTextCase>();
        foreach (string line in File.ReadLines(FilePath))
        {
            if (line.Length == 0) continue;
            var json = JsonDocument.Parse(line).RootElement;
            cases.Add(new RichTextCase(
                json.GetProperty("id").GetInt32(),
                json.GetProperty("kind").GetString()!,
                json,
                json.TryGetProperty("result", out var result) ? result : null,
                json.TryGetProperty("error", out var error) ? error.GetString() : null,
                json.TryGetProperty("reject", out var reject) ? reject.GetString() : null));
        }
        return cases;
    }
}

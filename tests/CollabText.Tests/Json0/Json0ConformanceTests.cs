using System.Text.Json;
using CollabText.Json0;
using Xunit.Abstractions;

namespace CollabText.Tests.Json0;

/// <summary>
/// Replays the cases tests/conformance-json0/generate-cases.js wrote with the reference ot-json0 1.1.0
/// (tests/conformance-json0/cases.jsonl) through <see cref="Json0Type"/>: every result must print exactly as the
/// reference's, every input the reference rejects we must reject, and every case marked stricter (an input the
/// reference lets through but docs/json0.md says we refuse) we must reject too.
/// </summary>
public sealed class Json0ConformanceTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<Json0Case>> Cases = new(Json0Case.LoadAll);

    [Fact]
    public void The_generated_cases_cover_every_operation_and_are_enough()
    {
        var cases = Cases.Value;
        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases in {Json0Case.FilePath}");
        foreach (string kind in new[] { "apply", "transform", "compose", "invert", "normalize" })
            Assert.True(cases.Count(c => c.Kind == kind) >= 500, $"fewer than 500 {kind} cases");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "left");
        Assert.Contains(cases, c => c.Kind == "transform" && c.Json.GetProperty("side").GetString() == "right");
        Assert.Contains(cases, c => c.Error is not null);
        Assert.Contains(cases, c => c.Stricter is not null);
    }

    [Fact]
    public void Apply_matches_the_reference() => Replay("apply", c =>
    {
        var doc = Json0Value.Parse(c.Json.GetProperty("doc"));
        string before = doc.ToJson();
        try
        {
            return Json0Type.Apply(doc, Op(c, "op")).ToJson();
        }
        finally
        {
            if (doc.ToJson() != before) throw new ConformanceMismatch("the input document changed");
        }
    }, expected => expected.GetString()!);

    [Fact]
    public void Transform_left_and_right_match_the_reference() => Replay("transform", c =>
    {
        var side = c.Json.GetProperty("side").GetString() switch
        {
            "left" => TransformSide.Left,
            "right" => TransformSide.Right,
            var s => throw new InvalidDataException($"case {c.Id}: side {s}"),
        };
        return Json0Type.Transform(Op(c, "op"), Op(c, "other"), side).ToJson();
    }, OpJson);

    [Fact]
    public void Compose_matches_the_reference() => Replay("compose", c => Json0Type.Compose(Op(c, "a"), Op(c, "b")).ToJson(), OpJson);

    [Fact]
    public void Invert_matches_the_reference() => Replay("invert", c => Json0Type.Invert(Op(c, "op")).ToJson(), OpJson);

    [Fact]
    public void Normalize_matches_the_reference() => Replay("normalize", c => Json0Type.Normalize(Op(c, "op")).ToJson(), OpJson);

    private static Json0Op Op(Json0Case c, string field) => Json0Op.Parse(c.Json.GetProperty(field));

    // The reference's op result printed by our writer: field order aside, the same JSON.
    private static string OpJson(JsonElement expected) => Json0Op.Parse(expected).ToJson();

    /// <summary>
    /// Runs every case of one kind and fails listing all that differ. A case the reference rejects, or that is
    /// marked stricter, must throw a <see cref="Json0Exception"/>; any other must give the reference's result.
    /// </summary>
    private void Replay(string kind, Func<Json0Case, string> run, Func<JsonElement, string> expectedOf)
    {
        var mismatches = new List<string>();
        int matched = 0, rejected = 0, stricter = 0;
        foreach (var c in Cases.Value.Where(c => c.Kind == kind))
        {
            string? actual = null;
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
                    null => $"we returned {actual}, expected a rejection",
                    Json0Exception => null,
                    _ => $"we threw {thrown.GetType().Name} ({thrown.Message}), expected a Json0Exception",
                };
                if (problem is null && c.Stricter is not null) stricter++;
                else if (problem is null) rejected++;
            }
            else if (thrown is not null)
                problem = $"we threw {thrown.GetType().Name}: {thrown.Message}";
            else
            {
                string expected;
                try
                {
                    expected = expectedOf(c.Result!.Value);
                }
                catch (Json0Exception e)
                {
                    expected = $"(unreadable: {e.Message}) {c.Result!.Value.GetRawText()}";
                }
                problem = expected == actual ? null : $"we returned {actual}, reference {expected}";
                if (problem is null) matched++;
            }
            if (problem is not null) mismatches.Add($"case {c.Id}: {problem}\n    {c.Json.GetRawText()}");
        }

        output.WriteLine($"{kind}: {matched} results equal to the reference's, {rejected} inputs rejected by both, " +
                         $"{stricter} rejected by our stricter validation, {mismatches.Count} mismatches (cases: {Json0Case.FilePath})");
        Assert.True(matched > 0, $"no {kind} case produced a result");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} {kind} cases differ from ot-json0 1.1.0:\n" + string.Join("\n", mismatches.Take(15)));
    }

    private sealed class ConformanceMismatch(string message) : Exception(message);
}

/// <summary>One line of tests/conformance-json0/cases.jsonl.</summary>
internal sealed record Json0Case(int Id, string Kind, JsonElement Json, JsonElement? Result, string? Error, string? Stricter)
{
    // Copied next to the test assembly by CollabText.Tests.csproj.
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "conformance-json0", "cases.jsonl");

    public static IReadOnlyList<Json0Case> LoadAll()
    {
        if (!File.Exists(FilePath))
            throw new FileNotFoundException(
                "json0 conformance cases missing; regenerate with: cd tests/conformance-json0 && npm ci && node generate-cases.js", FilePath);
        var cases = new List<Json0Case>();
        foreach (string line in File.ReadLines(FilePath))
        {
            if (line.Length == 0) continue;
            var json = JsonDocument.Parse(line).RootElement;
            cases.Add(new Json0Case(
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

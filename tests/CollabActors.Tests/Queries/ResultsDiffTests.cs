using CollabActors.Protocol;
using CollabActors.Queries;
using CsCheck;
using Xunit.Abstractions;

namespace CollabActors.Tests.Queries;

/// <summary>The diff a subscribe query sends: applied step by step to the previous ids, it gives exactly the new ones.</summary>
public sealed class ResultsDiffTests(ITestOutputHelper output)
{
    private static QueriedDocument Doc(string id) => new(id, new WireSnapshot(1, null, null), null, 0);

    private static List<ResultsChange> Diff(string before, string after) =>
        ResultsDiff.Compute(Ids(before), Ids(after).Select(Doc).ToList());

    private static List<string> Ids(string letters) => letters.Select(c => c.ToString()).ToList();

    [Fact]
    public void Equal_results_have_an_empty_diff() => Assert.Empty(Diff("abc", "abc"));

    [Fact]
    public void A_new_document_is_one_insert_at_its_place_with_its_snapshot()
    {
        var insert = Assert.IsType<ResultsChange.Insert>(Assert.Single(Diff("ac", "abc")));
        Assert.Equal(1, insert.Index);
        Assert.Equal("b", Assert.Single(insert.Documents).Id);
    }

    [Fact]
    public void Documents_that_left_are_removed_in_runs() =>
        Assert.Equal([new ResultsChange.Remove(1, 2), new ResultsChange.Remove(2, 1)], Diff("abcdef", "adf"));

    [Fact]
    public void A_document_that_moved_to_the_end_is_one_move_of_the_others() =>
        Assert.Equal([new ResultsChange.Move(1, 0, 3)], Diff("abcd", "bcda"));

    [Fact]
    public void Everything_gone_and_everything_new()
    {
        List<ResultsChange> diff = Diff("abc", "xy");
        Assert.Equal(new ResultsChange.Remove(0, 3), diff[0]);
        Assert.Equal(["x", "y"], Assert.IsType<ResultsChange.Insert>(diff[1]).Documents.Select(d => d.Id));
    }

    [Fact]
    public void Applying_the_diff_to_the_old_ids_gives_the_new_ids_exactly()
    {
        // Two lists of distinct ids from a small alphabet: overlaps, reorders, insertions and removals all happen.
        Gen<List<string>> list = Gen.Int[0, 11].Select(i => "d" + i).HashSet[0, 12].Select(set => set.ToList())
            .SelectMany(ids => Gen.Shuffle(ids.ToArray()).Select(a => a.ToList()));
        string seed = Gen.Seed.Single();
        output.WriteLine($"seed {seed} (rerun with Sample(..., seed: \"{seed}\"))");
        Gen.Select(list, list).Sample((before, after) =>
        {
            List<ResultsChange> diff = ResultsDiff.Compute(before, after.Select(Doc).ToList());
            var ids = new List<string>(before);
            ResultsDiff.Apply(ids, diff);
            Assert.Equal(after, ids);
            // Every step is well formed where it applies, and inserts only bring documents that were not there.
            Assert.All(diff.OfType<ResultsChange.Insert>(), i => Assert.All(i.Documents, d => Assert.DoesNotContain(d.Id, before.Intersect(after))));
            Assert.Equal(before.SequenceEqual(after), diff.Count == 0);
        }, seed: seed, iter: 20_000, writeLine: output.WriteLine);
    }
}

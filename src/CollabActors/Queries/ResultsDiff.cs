namespace CollabActors.Queries;

/// <summary>
/// The diff between a subscribe query's previous results and its new ones: removes, then moves and inserts from the
/// front, so that applying the steps in order to the previous ids gives exactly the new ones (ShareDB's arraydiff
/// makes the same kinds of step; the stock client applies them with splice). Ids are unique within a result list.
/// </summary>
public static class ResultsDiff
{
    public static List<ResultsChange> Compute(IReadOnlyList<string> before, IReadOnlyList<QueriedDocument> after)
    {
        var changes = new List<ResultsChange>();
        var wanted = new HashSet<string>(after.Count);
        foreach (QueriedDocument document in after) wanted.Add(document.Id);

        // 1. Remove what is no longer there, in runs.
        var current = new List<string>(before);
        for (int i = 0; i < current.Count;)
        {
            if (wanted.Contains(current[i]))
            {
                i++;
                continue;
            }
            int run = 1;
            while (i + run < current.Count && !wanted.Contains(current[i + run])) run++;
            current.RemoveRange(i, run);
            changes.Add(new ResultsChange.Remove(i, run));
        }

        // 2. Walk the new list: what is in place stays, what is further on moves here, what is new is inserted.
        var present = new HashSet<string>(current);
        for (int t = 0; t < after.Count;)
        {
            string id = after[t].Id;
            if (t < current.Count && current[t] == id)
            {
                t++;
                continue;
            }
            if (present.Contains(id))
            {
                int from = current.IndexOf(id, t);
                int run = 1;
                while (t + run < after.Count && from + run < current.Count && current[from + run] == after[t + run].Id) run++;
                List<string> moved = current.GetRange(from, run);
                current.RemoveRange(from, run);
                current.InsertRange(t, moved);
                changes.Add(new ResultsChange.Move(from, t, run));
                t += run;
                continue;
            }
            int count = 1;
            while (t + count < after.Count && !present.Contains(after[t + count].Id)) count++;
            var inserted = new QueriedDocument[count];
            for (int k = 0; k < count; k++) inserted[k] = after[t + k];
            current.InsertRange(t, inserted.Select(d => d.Id));
            changes.Add(new ResultsChange.Insert(t, inserted));
            t += count;
        }
        return changes;
    }

    /// <summary>Applies <paramref name="changes"/> to <paramref name="ids"/> as the stock client applies them to its results.</summary>
    public static void Apply(List<string> ids, IEnumerable<ResultsChange> changes)
    {
        foreach (ResultsChange change in changes)
        {
            switch (change)
            {
                case ResultsChange.Insert insert:
                    ids.InsertRange(insert.Index, insert.Documents.Select(d => d.Id));
                    break;
                case ResultsChange.Remove remove:
                    ids.RemoveRange(remove.Index, remove.HowMany);
                    break;
                case ResultsChange.Move move:
                    List<string> moved = ids.GetRange(move.From, move.HowMany);
                    ids.RemoveRange(move.From, move.HowMany);
                    ids.InsertRange(move.To, moved);
                    break;
            }
        }
    }
}

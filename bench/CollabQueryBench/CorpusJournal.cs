using Akka.Actor;

namespace CollabQueryBench;

/// <summary>
/// Writes a corpus into the journal with <see cref="JournalBulkWriter"/>s, one batch at a time: batches in flight
/// together were given interleaved journal orderings on PostgreSQL, and the orderings are the documents' creation
/// order (the order of ties), which should be the corpus's own on both databases.
/// </summary>
public static class CorpusJournal
{
    /// <summary>Writes the whole corpus, <paramref name="perBatch"/> documents per batch.</summary>
    public static async Task<long> WriteAsync(ActorSystem system, IEnumerable<CorpusDocument> documents, int perBatch = 500, int inFlight = 1)
    {
        var pending = new List<Task<JournalBulkWriter.Written>>();
        long events = 0;
        foreach (CorpusDocument[] batch in documents.Chunk(perBatch))
        {
            if (pending.Count == inFlight)
            {
                Task<JournalBulkWriter.Written> done = await Task.WhenAny(pending);
                pending.Remove(done);
                events += (await done).Events;
            }
            pending.Add(system.ActorOf(Props.Create<JournalBulkWriter>()).Ask<JournalBulkWriter.Written>(new JournalBulkWriter.Write(batch), TimeSpan.FromMinutes(5)));
        }
        foreach (Task<JournalBulkWriter.Written> rest in pending) events += (await rest).Events;
        return events;
    }
}

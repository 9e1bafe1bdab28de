using System.Data.Common;
using CollabActors.Documents;
using CollabActors.Serialization;

namespace CollabHost.ReadModel;

/// <summary>
/// Brings the read model forward from the journal, one batch of journal rows at a time: the events after the saved
/// position are applied to their documents' rows, and the rows and the new position are written in one transaction.
/// A crash between the journal's commit and this one loses nothing: the next batch starts at the saved position.
/// </summary>
public sealed class ReadModelProjector(
    ReadModelDatabase database,
    Action<string, Exception>? onDocumentFailed = null,
    int rowsPerBatch = ReadModelProjector.RowsPerBatch)
{
    /// <summary>Journal rows read per batch (one read-model transaction each), unless the constructor is given another number.</summary>
    public const int RowsPerBatch = 1000;

    /// <summary>
    /// How long a hole in the journal's orderings holds the saved position back. On PostgreSQL a transaction of
    /// another node may take an ordering and commit after later ones are visible; a hole still open after this long
    /// is a write that was rolled back (its ordering is never used). Rows after a hole are applied at once anyway.
    /// </summary>
    public static readonly TimeSpan HoleWait = TimeSpan.FromSeconds(10);

    private const string DocumentOpManifest = "document-op.1";
    internal const string DocumentPersistencePrefix = "document-";

    private readonly JournalHoles _holes = new(HoleWait);

    /// <summary>
    /// Projects the next batch. Returns whether it changed anything (rows or position); false: the read model is as
    /// far as the journal (or waiting for a hole to fill). <paramref name="waitForHoles"/> false (a rebuild, with no
    /// writes in flight) treats every hole as final. <paramref name="connection"/> holds the projector lock.
    /// </summary>
    public bool ProjectOnce(DbConnection connection, bool waitForHoles = true)
    {
        long position = database.ReadPosition(connection);
        List<JournalRow> rows = database.ReadJournal(connection, position, rowsPerBatch);
        if (rows.Count == 0) return false;
        long next = _holes.NextPosition(position, rows.ConvertAll(r => r.Ordering), Environment.TickCount64, waitForHoles);

        // The batch's documents, their rows read in one go.
        var documents = new DocumentId?[rows.Count];
        var projections = new Dictionary<DocumentId, DocumentProjection>();
        var unread = new HashSet<DocumentId>();
        for (int i = 0; i < rows.Count; i++)
        {
            JournalRow row = rows[i];
            if (row.Manifest != DocumentOpManifest || !row.PersistenceId.StartsWith(DocumentPersistencePrefix, StringComparison.Ordinal)) continue;
            DocumentId document = documents[i] = DocumentId.FromEntityId(row.PersistenceId[DocumentPersistencePrefix.Length..]);
            unread.Add(document);
        }
        foreach ((DocumentId document, DocumentRow? current) in database.ReadDocuments(connection, unread))
        {
            projections[document] = new DocumentProjection(document, current);
        }

        var failed = new HashSet<DocumentId>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (documents[i] is not { } document || failed.Contains(document)) continue;
            JournalRow row = rows[i];
            DocumentProjection projection = projections[document];
            try
            {
                if (row.SequenceNr > projection.Version + 1)
                {
                    // Events this batch did not see (committed late by another node's transaction): read them now.
                    foreach (JournalRow missing in database.ReadEventsOf(connection, row.PersistenceId, projection.Version + 1, row.SequenceNr))
                    {
                        projection.Apply(missing.SequenceNr, missing.Ordering, Read(missing));
                    }
                }
                projection.Apply(row.SequenceNr, row.Ordering, Read(row));
            }
            catch (Exception cause)
            {
                // One document whose events cannot be applied must not stop every other document's rows: its row stays
                // as it was (behind the journal), it is reported, and the projector goes on.
                onDocumentFailed?.Invoke($"{document} at journal ordering {row.Ordering}", cause);
                failed.Add(document);
                projections.Remove(document);
            }
        }

        var changed = new List<DocumentRow>();
        foreach (DocumentProjection projection in projections.Values)
        {
            if (projection.Changed) changed.Add(projection.ToRow());
        }
        if (changed.Count == 0 && next == position) return false;
        // Refused when the position moved since it was read (another writer): the next batch reads it again.
        database.Write(connection, changed, position, next);
        return true;
    }

    /// <summary>Projects until the read model is as far as the journal (a rebuild: every hole is final).</summary>
    public void CatchUp(DbConnection connection)
    {
        while (ProjectOnce(connection, waitForHoles: false))
        {
        }
    }

    private static CommittedOp Read(JournalRow row) => (CommittedOp)CollabSerializer.Table.Read(row.Message, row.Manifest);
}

using System.Text.Json;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Documents;

/// <summary>
/// One document's state with no actor code (ShareDB's submit-request and snapshot logic): its type, version, text
/// and recent op log. <see cref="Decide"/> turns a submit into a decision without changing anything;
/// <see cref="Apply"/> applies a committed op and never fails for an op <see cref="Decide"/> produced. The actor
/// persists between the two, so replaying the journal through <see cref="Apply"/> rebuilds the same state.
/// </summary>
public sealed class DocumentState
{
    private readonly DocumentSettings _settings;
    private readonly List<LoggedOp> _log = new();
    private readonly Dictionary<string, SubmitterEntry> _submitters = new(StringComparer.Ordinal);
    private TextDocument? _text;
    private long _lastOpTimestampMs;
    private long _logBytes;

    public DocumentState(DocumentId id, DocumentSettings settings)
    {
        Id = id;
        _settings = settings;
    }

    public DocumentId Id { get; }

    /// <summary>How many ops have been applied (ShareDB's snapshot <c>v</c>).</summary>
    public long Version { get; private set; }

    /// <summary>The type URI, or null when the document does not exist (never created, or deleted).</summary>
    public string? Type => _text is null ? null : TextUnicodeType.Uri;

    public bool Exists => _text is not null;

    /// <summary>The current text, or null when the document does not exist.</summary>
    public string? Text => _text?.ToString();

    /// <summary>The oldest version from which ops are still in memory.</summary>
    public long OldestLoggedVersion => _log.Count == 0 ? Version : _log[0].Op.Version;

    public WireSnapshot Snapshot() => new(Version, Type, Text);

    /// <summary>What the snapshot store keeps: the text at this version and the recent submitters (for dedupe).</summary>
    public DocumentSnapshot ToSnapshot() =>
        new(Version, Type, Text, _lastOpTimestampMs, _submitters.Values.OrderBy(e => e.Version).ToArray());

    /// <summary>
    /// Starts over from a stored snapshot. The op log is empty afterwards: ops before <see cref="Version"/> are in the
    /// journal (see <see cref="SubmitDecision.NeedOlderOps"/> and the actor's history reads).
    /// </summary>
    public void Restore(DocumentSnapshot snapshot)
    {
        if (snapshot.Type is { } type && type != TextUnicodeType.Uri)
            throw new InvalidOperationException($"Snapshot of {Id} has type '{type}'; documents here are {TextUnicodeType.Uri}.");
        _log.Clear();
        _logBytes = 0;
        _submitters.Clear();
        Version = snapshot.Version;
        _text = snapshot.Type is null ? null : new TextDocument(snapshot.Text ?? "", _settings.MaxDocumentUtf16Length);
        _lastOpTimestampMs = snapshot.LastOpTimestampMs;
        foreach (SubmitterEntry entry in snapshot.RecentSubmitters) _submitters[entry.Src] = entry;
    }

    /// <summary>
    /// Decides what to do with a submitted op: transform it past the ops committed since its base version, spot a
    /// resend (same src and seq), and check it fits the document. Changes nothing. When the base version is older
    /// than the op log reaches, the answer is <see cref="SubmitDecision.NeedOlderOps"/>: decide again with
    /// <paramref name="olderOps"/>, the committed ops from the base version up to <see cref="OldestLoggedVersion"/>.
    /// </summary>
    public SubmitDecision Decide(
        string src, long seq, long? baseVersion, OpChange change, long nowMs, IReadOnlyList<CommittedOp>? olderOps = null)
    {
        long from = baseVersion ?? Version;
        if (from < 0)
            return Reject(ProtocolErrorCodes.MessageBadlyFormed, "Op version must not be negative.");
        if (from > Version)
            return Reject(ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot,
                $"Op version {from} is newer than the document's version {Version}.");
        // The last op of each recent source outlives the op log (and restarts, through snapshots and the journal).
        if (_submitters.TryGetValue(src, out SubmitterEntry? last) && last.Seq == seq)
            return new SubmitDecision.AlreadyCommitted(last.Version);
        IReadOnlyList<CommittedOp> older = Array.Empty<CommittedOp>();
        if (from < OldestLoggedVersion)
        {
            if (olderOps is null) return new SubmitDecision.NeedOlderOps(from);
            older = olderOps.Where(op => op.Version >= from).ToArray();
            if (older.Count != OldestLoggedVersion - from || (older.Count > 0 && older[0].Version != from))
                return Reject(ProtocolErrorCodes.OpVersionTooOld,
                    $"Op version {from} is older than the history this server can read ({OldestLoggedVersion}); fetch the document again.");
        }

        try
        {
            if (change is EditChange edit) TextUnicodeType.Check(edit.Op);
            int start = from < OldestLoggedVersion ? 0 : IndexOf(from);
            for (int i = -older.Count; i < _log.Count - start; i++)
            {
                CommittedOp applied = i < 0 ? older[older.Count + i] : _log[start + i].Op;
                if (applied.Src == src && applied.Seq == seq) return new SubmitDecision.AlreadyCommitted(applied.Version);
                switch (applied.Change)
                {
                    case DeleteChange when change is not DeleteChange:
                        return Reject(ProtocolErrorCodes.DocWasDeleted, "The document was deleted by a concurrent op.");
                    case CreateChange:
                        return Reject(ProtocolErrorCodes.DocAlreadyCreated, "The document was created by a concurrent op.");
                    case EditChange appliedEdit when change is EditChange mine:
                        change = new EditChange(TextUnicodeType.Transform(mine.Op, appliedEdit.Op, TransformSide.Left));
                        break;
                }
            }

            ProtocolError? error = Check(change);
            return error is null
                ? new SubmitDecision.Commit(new CommittedOp(Version, src, seq, change, nowMs))
                : new SubmitDecision.Reject(error);
        }
        catch (DocumentTooLargeException e)
        {
            return Reject(ProtocolErrorCodes.DocumentTooLarge, e.Message);
        }
        catch (InvalidOpComponentException e)
        {
            return Reject(ProtocolErrorCodes.OpBadlyFormed, e.Message);
        }
        catch (TextOpException e)
        {
            return Reject(ProtocolErrorCodes.OpNotApplied, e.Message);
        }
    }

    private ProtocolError? Check(OpChange change)
    {
        switch (change)
        {
            case CreateChange create:
                if (Exists) return new(ProtocolErrorCodes.DocAlreadyCreated, $"Document {Id} already exists.");
                if (create.Type is not (TextUnicodeType.Uri or TextUnicodeType.Name))
                    return new(ProtocolErrorCodes.DocTypeNotRecognized,
                        $"Unknown type '{create.Type}': documents here are {TextUnicodeType.Uri}.");
                string data = create.Data ?? "";
                if (data.Length > _settings.MaxDocumentUtf16Length)
                    return new(ProtocolErrorCodes.DocumentTooLarge,
                        $"The initial text has {data.Length} UTF-16 units; documents may have at most {_settings.MaxDocumentUtf16Length}.");
                if (!CodePoints.IsWellFormed(data))
                    return new(ProtocolErrorCodes.OpBadlyFormed, "The initial text contains an unpaired surrogate.");
                return null;
            case EditChange edit:
                if (_text is null) return new(ProtocolErrorCodes.DocDoesNotExist, $"Document {Id} does not exist.");
                _text.Validate(edit.Op);
                return null;
            case DeleteChange:
                return Exists ? null : new(ProtocolErrorCodes.DocDoesNotExist, $"Document {Id} does not exist.");
            default:
                return new(ProtocolErrorCodes.OpBadlyFormed, "Unknown kind of op.");
        }
    }

    /// <summary>Applies an op committed at the current version (from <see cref="Decide"/> or the journal).</summary>
    public void Apply(CommittedOp op)
    {
        if (op.Version != Version)
            throw new InvalidOperationException($"Op at version {op.Version} applied to {Id} at version {Version}.");
        Undo undo;
        switch (op.Change)
        {
            case CreateChange create:
                _text = new TextDocument(create.Data ?? "", _settings.MaxDocumentUtf16Length);
                undo = Undo.ToNothing;
                break;
            case EditChange edit:
                TextDocument text = _text ?? throw new InvalidOperationException($"Edit applied to {Id}, which does not exist.");
                var inverse = text.InverseOf(edit.Op);
                text.Apply(edit.Op);
                undo = new Undo(inverse, null);
                break;
            default:
                undo = new Undo(null, _text?.ToString());
                _text = null;
                break;
        }
        var logged = new LoggedOp(op, undo, LoggedOp.EstimateBytes(op.Change, undo));
        _log.Add(logged);
        _logBytes += logged.Bytes;
        Version++;
        _lastOpTimestampMs = op.TimestampMs;
        RememberSubmitter(new SubmitterEntry(op.Src, op.Seq, op.Version));
        // Trim in chunks so a busy document does not shift the list on every op.
        if (_log.Count > _settings.OpLogCapacity + _settings.OpLogCapacity / 4 + 1)
            DropOldest(_log.Count - _settings.OpLogCapacity);
        if (_logBytes > _settings.OpLogMaxBytes)
        {
            // Down to three quarters of the bound, for the same reason; never the newest op.
            int drop = 0;
            long bytes = _logBytes;
            while (drop < _log.Count - 1 && bytes > _settings.OpLogMaxBytes * 3 / 4) bytes -= _log[drop++].Bytes;
            DropOldest(drop);
        }
    }

    /// <summary>The estimated bytes the in-memory op log holds (see <see cref="DocumentSettings.OpLogMaxBytes"/>).</summary>
    public long OpLogBytes => _logBytes;

    private void DropOldest(int count)
    {
        for (int i = 0; i < count; i++) _logBytes -= _log[i].Bytes;
        _log.RemoveRange(0, count);
    }

    /// <summary>The ops from <paramref name="from"/> to now, oldest first; null when they are no longer in memory.</summary>
    public IReadOnlyList<CommittedOp>? OpsSince(long from)
    {
        if (from < OldestLoggedVersion || from > Version) return null;
        int start = IndexOf(from);
        var ops = new CommittedOp[_log.Count - start];
        for (int i = start; i < _log.Count; i++) ops[i - start] = _log[i].Op;
        return ops;
    }

    /// <summary>The snapshot as it was at <paramref name="version"/>; null when that is older than the log reaches.</summary>
    public WireSnapshot? SnapshotAt(long version)
    {
        if (version >= Version) return Snapshot();
        if (version < OldestLoggedVersion) return null;
        string? text = Text;
        for (int i = _log.Count - 1; i >= 0 && _log[i].Op.Version >= version; i--)
        {
            Undo undo = _log[i].Undo;
            text = undo.Edit is { } inverse ? TextUnicodeType.Apply(text!, inverse) : undo.Restored;
        }
        return new WireSnapshot(version, text is null ? null : TextUnicodeType.Uri, text);
    }

    /// <summary>The version the document had at <paramref name="timestampMs"/>; null when that is older than the log reaches.</summary>
    public long? VersionAt(long timestampMs)
    {
        int i = _log.Count;
        while (i > 0 && _log[i - 1].Op.TimestampMs > timestampMs) i--;
        // Before the log's first op (or, with an empty log after a snapshot, before the last op): not known here.
        if (i == 0 && OldestLoggedVersion > 0 && (_log.Count > 0 || timestampMs < _lastOpTimestampMs)) return null;
        return i == _log.Count ? Version : _log[i].Op.Version;
    }

    /// <summary>
    /// Moves a presence value made at <paramref name="version"/> to the current version, as ShareDB's
    /// transformPresenceToLatestVersion does with the type's transformPresence: a cursor <c>{index}</c> or a
    /// selection <c>{index, length}</c> moves through each op; a create or delete clears it; other values pass.
    /// </summary>
    public JsonElement? TransformPresence(JsonElement? value, long version)
    {
        if (value is null || version >= Version) return value;
        if (version < OldestLoggedVersion) return null;
        for (int i = IndexOf(version); i < _log.Count && value is not null; i++)
        {
            value = _log[i].Op.Change is EditChange edit ? PresenceTransform.Through(value.Value, edit.Op) : null;
        }
        return value;
    }

    private void RememberSubmitter(SubmitterEntry entry)
    {
        _submitters[entry.Src] = entry;
        // Forget the sources that submitted longest ago, in chunks, once there are a quarter more than kept.
        int keep = _settings.RecentSubmittersKept;
        if (_submitters.Count <= keep + keep / 4 + 1) return;
        foreach (SubmitterEntry old in _submitters.Values.OrderBy(e => e.Version).Take(_submitters.Count - keep).ToArray())
            _submitters.Remove(old.Src);
    }

    private int IndexOf(long version) => (int)(version - OldestLoggedVersion);

    private static SubmitDecision.Reject Reject(string code, string message) => new(new ProtocolError(code, message));

    /// <summary>How to step the document back over one op: an inverse edit, or the whole text to restore (null: none).</summary>
    private sealed record Undo(TextOp? Edit, string? Restored)
    {
        public static readonly Undo ToNothing = new(null, null);
    }

    private sealed record LoggedOp(CommittedOp Op, Undo Undo, long Bytes)
    {
        // Per op and per component: the objects around the text (records, arrays, strings' headers).
        private const int OpOverhead = 160;
        private const int ComponentOverhead = 32;

        public static long EstimateBytes(OpChange change, Undo undo) =>
            OpOverhead + change switch
            {
                EditChange edit => TextBytes(edit.Op),
                CreateChange create => 2L * (create.Data?.Length ?? 0),
                _ => 0,
            } + (undo.Edit is { } inverse ? TextBytes(inverse) : 0) + 2L * (undo.Restored?.Length ?? 0);

        private static long TextBytes(TextOp op)
        {
            long bytes = 0;
            foreach (OpComponent component in op.Span) bytes += ComponentOverhead + 2L * (component.Text?.Length ?? 0);
            return bytes;
        }
    }
}

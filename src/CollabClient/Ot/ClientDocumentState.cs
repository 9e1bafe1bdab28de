using CollabText;

namespace CollabClient.Ot;

/// <summary>
/// The client side of OT for one text-unicode document, as ShareDB's client doc.js does it: the local text runs
/// ahead of the server by at most one op in flight plus one pending op (later local edits are composed into it),
/// and every op from the server is transformed past both before it is applied locally. Pure state with no I/O, so
/// it is tested against ot-text-unicode step by step. Not thread-safe: the owner serialises calls.
/// </summary>
/// <remarks>
/// The text lives in a rope (<see cref="TextDocument"/>), so applying a remote op costs O(log n) and allocates
/// little, where rebuilding a string would copy the whole document for every op. That matters in a big room: a
/// watcher applies every op of every typist and rarely reads the text. The string is built when asked for and kept
/// until the next change.
/// </remarks>
public sealed class ClientDocumentState
{
    private TextDocument? _document;
    private string? _text;

    /// <summary>The server version the local state is based on: the next remote op must carry this version.</summary>
    public long Version { get; private set; }

    /// <summary>The local text (server text plus inflight and pending ops), or null while the document does not exist.</summary>
    public string? Text => _document is null ? null : _text ??= _document.ToString();

    /// <summary>True once a snapshot or a create has been seen, so <see cref="Version"/> means something.</summary>
    public bool IsLoaded { get; private set; }

    public InflightOp? Inflight { get; private set; }

    /// <summary>Local edits not yet sent, composed into one op.</summary>
    public TextOp? Pending { get; private set; }

    public bool HasUnacknowledgedOps => Inflight is not null || Pending is not null;

    /// <summary>Takes a server snapshot; only allowed while no local op is unacknowledged (it would be lost).</summary>
    public void LoadSnapshot(long version, string? text)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        if (HasUnacknowledgedOps)
            throw new InvalidOperationException("Cannot load a snapshot while local ops are unacknowledged.");
        TextDocument? document = text is null ? null : NewDocument(text);
        Version = version;
        SetDocument(document, text);
        IsLoaded = true;
    }

    /// <summary>
    /// Applies a local edit to the local text and queues it. Throws (a <see cref="TextOpException"/>) and changes
    /// nothing if the op is malformed or does not fit the text.
    /// </summary>
    public void ApplyLocal(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        TextDocument document = _document ?? throw new InvalidOperationException("The document does not exist: create it before editing.");
        TextUnicodeType.Check(op);
        TextOp pending = Pending is null ? op : TextUnicodeType.Compose(Pending, op);
        // Apply last: it checks the op against the text first and changes nothing when it throws.
        document.Apply(op);
        _text = null;
        Pending = pending;
    }

    /// <summary>Starts creating the document with <paramref name="text"/> as op <paramref name="seq"/>.</summary>
    public InflightOp BeginCreate(long seq, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_document is not null) throw new InvalidOperationException("The document already exists.");
        if (HasUnacknowledgedOps) throw new InvalidOperationException("Another op is already in flight.");
        TextDocument document = NewDocument(text);
        Inflight = new InflightOp(seq, null, null, text);
        SetDocument(document, text);
        return Inflight;
    }

    /// <summary>Moves the pending op in flight as op <paramref name="seq"/> if nothing is in flight; else null.</summary>
    public InflightOp? StartNextSend(long seq)
    {
        if (Inflight is not null || Pending is null) return null;
        Inflight = new InflightOp(seq, null, Pending, null);
        Pending = null;
        return Inflight;
    }

    /// <summary>Records the connection id the inflight op went out under (kept for resends after a reconnect).</summary>
    public void MarkInflightSent(string src)
    {
        ArgumentException.ThrowIfNullOrEmpty(src);
        if (Inflight is { Src: null }) Inflight = Inflight with { Src = src };
    }

    /// <summary>True if a message with this src and seq is the ack (or the catch-up copy) of the inflight op.</summary>
    public bool IsInflight(string? src, long seq) =>
        Inflight is not null && Inflight.Seq == seq && (Inflight.Src is null || src is null || Inflight.Src == src);

    /// <summary>The server committed the inflight op at <paramref name="version"/>.</summary>
    public InflightOp Acknowledge(long version)
    {
        InflightOp inflight = Inflight ?? throw new InvalidOperationException("No op is in flight to acknowledge.");
        Inflight = null;
        Version = version + 1;
        IsLoaded = true;
        return inflight;
    }

    /// <summary>
    /// Applies another client's op committed at <paramref name="version"/>: transforms it past the inflight and
    /// pending ops (and them past it), then applies it to the local text. <paramref name="applied"/> is the op as
    /// applied locally (for moving cursors).
    /// </summary>
    public RemoteOpOutcome ApplyRemote(long version, TextOp op, out TextOp applied)
    {
        ArgumentNullException.ThrowIfNull(op);
        applied = TextOp.Empty;
        if (version < Version) return RemoteOpOutcome.AlreadyHave;
        if (version > Version || !IsLoaded) return RemoteOpOutcome.Gap;
        TextDocument document = _document ?? throw new InvalidOperationException("Received an edit for a document that does not exist.");

        TextOp remote = op;
        TextOp? inflightOp = Inflight?.Op;
        if (inflightOp is not null)
        {
            TextOp transformedInflight = TextUnicodeType.Transform(inflightOp, remote, TransformSide.Left);
            remote = TextUnicodeType.Transform(remote, inflightOp, TransformSide.Right);
            inflightOp = transformedInflight;
        }
        TextOp? pending = Pending;
        if (pending is not null)
        {
            TextOp transformedPending = TextUnicodeType.Transform(pending, remote, TransformSide.Left);
            remote = TextUnicodeType.Transform(remote, pending, TransformSide.Right);
            pending = transformedPending;
        }
        // Apply last so a failure (an op that does not fit) leaves the state unchanged.
        document.Apply(remote);
        _text = null;
        if (inflightOp is not null) Inflight = Inflight! with { Op = inflightOp };
        Pending = pending;
        Version = version + 1;
        applied = remote;
        return RemoteOpOutcome.Applied;
    }

    /// <summary>Another client created the document at <paramref name="version"/> with <paramref name="text"/>.</summary>
    public RemoteOpOutcome ApplyRemoteCreate(long version, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (version < Version) return RemoteOpOutcome.AlreadyHave;
        if (version > Version || !IsLoaded) return RemoteOpOutcome.Gap;
        if (Inflight is { IsCreate: true })
            throw new InvalidOperationException("The document was created concurrently; the local create was rejected.");
        SetDocument(NewDocument(text), text);
        Version = version + 1;
        return RemoteOpOutcome.Applied;
    }

    /// <summary>
    /// Drops every unacknowledged op after the server rejected one (ShareDB's hard rollback); the caller refetches
    /// the snapshot. Returns what was dropped.
    /// </summary>
    public (InflightOp? Inflight, TextOp? Pending) DiscardUnacknowledged()
    {
        var dropped = (Inflight, Pending);
        Inflight = null;
        Pending = null;
        return dropped;
    }

    private void SetDocument(TextDocument? document, string? text)
    {
        _document = document;
        _text = text;
    }

    /// <summary>A rope holding <paramref name="text"/>; text with an unpaired surrogate is not a text-unicode document.</summary>
    private static TextDocument NewDocument(string text)
    {
        try
        {
            return new TextDocument(text);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException("The document text contains an unpaired surrogate, which text-unicode cannot address.", e);
        }
    }
}

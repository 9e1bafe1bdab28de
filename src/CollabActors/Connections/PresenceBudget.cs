namespace CollabActors.Connections;

/// <summary>
/// What one connection's own presence values may hold: they are kept per (channel, id) until the connection ends (to
/// null them then), so without a bound one client could pin hundreds of MB (issue 19 item 5: 1,500 × 200 KB held
/// 370 MB). Counts entries and bytes per channel and per connection; a value that would go over is refused whole.
/// </summary>
internal sealed class PresenceBudget(ConnectionSettings settings)
{
    private readonly Dictionary<(string Channel, string Id), int> _bytes = new();
    private readonly Dictionary<string, Usage> _channels = new();
    private long _totalBytes;

    /// <summary>Why a value of <paramref name="bytes"/> for (channel, id) does not fit, or null when it does.</summary>
    public string? Refusal(string channel, string id, int bytes)
    {
        int replaced = _bytes.GetValueOrDefault((channel, id));
        bool added = !_bytes.ContainsKey((channel, id));
        Usage used = _channels.GetValueOrDefault(channel);
        if (added && used.Entries >= settings.MaxPresencePerChannel)
            return $"A connection may hold at most {settings.MaxPresencePerChannel} presences on one channel.";
        if (added && _bytes.Count >= settings.MaxPresencePerConnection)
            return $"A connection may hold at most {settings.MaxPresencePerConnection} presences.";
        if (used.Bytes - replaced + bytes > settings.MaxPresenceBytesPerChannel)
            return $"Presence values on one channel may take at most {settings.MaxPresenceBytesPerChannel} bytes per connection; this one has {bytes}.";
        if (_totalBytes - replaced + bytes > settings.MaxPresenceBytesPerConnection)
            return $"Presence values may take at most {settings.MaxPresenceBytesPerConnection} bytes per connection; this one has {bytes}.";
        return null;
    }

    /// <summary>Counts a value that passed <see cref="Refusal"/>, replacing the one (channel, id) had.</summary>
    public void Hold(string channel, string id, int bytes)
    {
        Release(channel, id);
        _bytes[(channel, id)] = bytes;
        Usage used = _channels.GetValueOrDefault(channel);
        _channels[channel] = new Usage(used.Entries + 1, used.Bytes + bytes);
        _totalBytes += bytes;
    }

    /// <summary>(channel, id) holds nothing any more: its presence was nulled.</summary>
    public void Release(string channel, string id)
    {
        if (!_bytes.Remove((channel, id), out int bytes)) return;
        Usage used = _channels[channel];
        if (used.Entries == 1) _channels.Remove(channel);
        else _channels[channel] = new Usage(used.Entries - 1, used.Bytes - bytes);
        _totalBytes -= bytes;
    }

    private readonly record struct Usage(int Entries, long Bytes);
}

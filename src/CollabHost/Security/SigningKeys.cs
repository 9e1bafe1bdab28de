using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Security;

/// <summary>
/// The keys access tokens may be signed with: the HS256 secret, and the public keys of a JWKS file or an identity
/// provider's JWKS address. The JWKS is read again when the file changes, when the fetched set is older than
/// <see cref="AuthOptions.JwksRefreshInterval"/>, and when a token names a key id the set lacks (a provider rotated
/// its keys), so rotation needs no restart. A failed read keeps the keys it had and is logged.
/// </summary>
public sealed class SigningKeys : IDisposable
{
    /// <summary>A JWKS larger than this is refused unread: real ones hold a handful of keys.</summary>
    private const int MaxJwksBytes = 1024 * 1024;

    private readonly AuthOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SymmetricSecurityKey? _secret;
    private readonly HttpClient? _http;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private IReadOnlyList<SecurityKey> _fileKeys = [];
    private IReadOnlyList<SecurityKey> _urlKeys = [];
    private volatile IReadOnlyList<SecurityKey> _all = [];
    private DateTime _fileWrittenAt;
    private DateTimeOffset? _urlFetchedAt;

    public SigningKeys(AuthOptions options, ILogger<SigningKeys> log, TimeProvider? time = null)
    {
        _options = options;
        _log = log;
        _time = time ?? TimeProvider.System;
        if (options.Secret.Length > 0) _secret = new SymmetricSecurityKey(options.SecretBytes()) { KeyId = null };
        if (options.JwksUrl.Length > 0)
            _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10), MaxResponseContentBufferSize = MaxJwksBytes };
        if (options.JwksFile.Length > 0)
        {
            // A missing or broken file at start is a configuration error: fail now, not at the first editor.
            try
            {
                _fileWrittenAt = File.GetLastWriteTimeUtc(options.JwksFile);
                _fileKeys = Parse(File.ReadAllText(options.JwksFile), options.JwksFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new InvalidOperationException($"Collab:Auth:JwksFile '{options.JwksFile}' cannot be read: {e.Message}", e);
            }
        }
        Publish();
    }

    /// <summary>Every key a token may be signed with now.</summary>
    public IReadOnlyList<SecurityKey> Current => _all;

    /// <summary>
    /// Reads the JWKS again where it may have changed: the file when it was written since, the address when the set
    /// is stale or <paramref name="keyId"/> is not in it. Never throws for an unreachable provider.
    /// </summary>
    public async Task RefreshAsync(string? keyId, CancellationToken cancel)
    {
        if (!NeedsRefresh(keyId)) return;
        await _refreshing.WaitAsync(cancel);
        try
        {
            if (!NeedsRefresh(keyId)) return; // another request refreshed while this one waited
            if (_options.JwksFile.Length > 0) ReloadFileIfChanged();
            if (_http is not null && UrlIsDue(keyId)) await FetchAsync(cancel);
            Publish();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private bool NeedsRefresh(string? keyId) =>
        (_options.JwksFile.Length > 0 && File.GetLastWriteTimeUtc(_options.JwksFile) != _fileWrittenAt)
        || (_http is not null && UrlIsDue(keyId));

    private bool UrlIsDue(string? keyId)
    {
        if (_urlFetchedAt is not { } fetched) return true;
        TimeSpan age = _time.GetUtcNow() - fetched;
        if (age >= _options.JwksRefreshInterval) return true;
        return keyId is not null && age >= _options.JwksMinRefreshInterval && !_all.Any(k => k.KeyId == keyId);
    }

    private void ReloadFileIfChanged()
    {
        DateTime written = File.GetLastWriteTimeUtc(_options.JwksFile);
        if (written == _fileWrittenAt) return;
        _fileWrittenAt = written;
        try
        {
            _fileKeys = Parse(File.ReadAllText(_options.JwksFile), _options.JwksFile);
            _log.LogInformation("Read {Count} signing keys from {JwksFile}", _fileKeys.Count, _options.JwksFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            _log.LogWarning("Keeping the previous signing keys: {JwksFile} could not be read: {Error}", _options.JwksFile, e.Message);
        }
    }

    private async Task FetchAsync(CancellationToken cancel)
    {
        // Stamped before the fetch: a provider that is down is asked again after the minimum interval, not per token.
        _urlFetchedAt = _time.GetUtcNow();
        try
        {
            string json = await _http!.GetStringAsync(_options.JwksUrl, cancel);
            _urlKeys = Parse(json, _options.JwksUrl);
            _log.LogInformation("Fetched {Count} signing keys from {JwksUrl}", _urlKeys.Count, _options.JwksUrl);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or InvalidOperationException)
        {
            _log.LogWarning("Keeping the previous signing keys: {JwksUrl} could not be fetched: {Error}", _options.JwksUrl, e.Message);
        }
    }

    private static IReadOnlyList<SecurityKey> Parse(string json, string source)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxJwksBytes) throw new InvalidOperationException($"{source} is larger than {MaxJwksBytes} bytes.");
        var set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = true };
        IList<SecurityKey> keys = set.GetSigningKeys();
        if (keys.Count == 0) throw new InvalidOperationException($"{source} holds no signing key (RSA or EC with use 'sig').");
        return keys.ToArray();
    }

    private void Publish()
    {
        var all = new List<SecurityKey>();
        if (_secret is not null) all.Add(_secret);
        all.AddRange(_fileKeys);
        all.AddRange(_urlKeys);
        _all = all;
    }

    public void Dispose()
    {
        _http?.Dispose();
        _refreshing.Dispose();
    }
}

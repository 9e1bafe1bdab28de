namespace CollabClient;

/// <summary>An error reply from the server (<c>error: {code, message}</c>), e.g. ERR_DOC_ALREADY_CREATED.</summary>
public sealed class ShareDbServerException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;
    public string ServerMessage { get; } = message;
}

namespace CollabActors.Connections;

/// <summary>
/// A connection's bytes as a <see cref="Stream"/>: read and written in order, both ways, never sought. What every such
/// stream says about length and position, said once.
/// </summary>
public abstract class DuplexByteStream : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

namespace LeakHound.Formats.Input;

/// <summary>
/// Bytes that another thread is still producing (a file being gunzipped), readable as they arrive:
/// <see cref="WaitFor"/> blocks until enough of the prefix is there, <see cref="Finish"/> until all
/// of it is, and rethrows what went wrong producing it. The prefix already handed out never
/// changes; when the producer has to grow its buffer it copies the prefix, so earlier spans stay
/// valid.
/// </summary>
public sealed class ArrivingBytes
{
    /// <summary>Waiters are woken at most once per this many new bytes (and at the end).</summary>
    private const int Step = 1 << 20;

    private readonly object _gate = new();
    private readonly Task<byte[]> _producer;
    private byte[] _buffer = [];
    private int _available;
    private bool _complete;

    /// <param name="produce">Fills a buffer, telling of its progress (buffer, bytes filled) as it goes; returns the exact result.</param>
    public ArrivingBytes(Func<Action<byte[], int>, byte[]> produce)
    {
        int published = 0;
        void Progress(byte[] buffer, int filled)
        {
            if (filled - published < Step && buffer == _buffer) return;
            published = filled;
            lock (_gate)
            {
                _buffer = buffer;
                _available = filled;
                Monitor.PulseAll(_gate);
            }
        }
        _producer = Task.Run(() =>
        {
            try
            {
                var result = produce(Progress);
                lock (_gate)
                {
                    _buffer = result;
                    _available = result.Length;
                }
                return result;
            }
            finally
            {
                lock (_gate)
                {
                    _complete = true;
                    Monitor.PulseAll(_gate);
                }
            }
        });
    }

    /// <summary>
    /// Blocks until at least <paramref name="count"/> bytes have arrived or no more will; returns the
    /// buffer, how many of its bytes are there, and whether that is all (then possibly fewer than asked,
    /// and the producer may have failed: <see cref="Finish"/> says).
    /// </summary>
    public (byte[] Buffer, int Available, bool Complete) WaitFor(int count)
    {
        lock (_gate)
        {
            while (_available < count && !_complete) Monitor.Wait(_gate);
            return (_buffer, _available, _complete);
        }
    }

    /// <summary>Waits for every byte and returns them, or throws what the producer threw.</summary>
    public byte[] Finish()
    {
        try
        {
            return _producer.GetAwaiter().GetResult();
        }
        finally
        {
            lock (_gate) _complete = true;
        }
    }
}

using System.Collections.Concurrent;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>
/// Items (files) waiting in arrival order for one of a fixed number of slots. An item that gets a slot is handed to
/// the start callback, which returns <c>false</c> when there is nothing to do after all (the slot is then free again
/// at once); otherwise its work calls <see cref="Release"/> when done. Waiting costs the queue entry only: the
/// pipeline keeps each file's newest version beside it, so a file that waits long is analysed at its newest
/// version, and no work in progress (tasks, buffers, requests to a helper) piles up behind a saturated analyzer.
/// </summary>
public sealed class SlotQueue<T>
{
    private readonly ConcurrentQueue<T> _waiting = new();
    private readonly Func<T, bool> _start;
    private readonly int _slots;
    private int _busy;

    public SlotQueue(int slots, Func<T, bool> start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _slots = slots;
        _start = start;
    }

    /// <summary>Slots taken now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Items waiting for a slot now.</summary>
    public int Waiting => _waiting.Count;

    public void Enqueue(T item)
    {
        _waiting.Enqueue(item);
        Pump();
    }

    /// <summary>Frees the slot of an item whose work is done, and starts the next waiting item in it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _busy) < 0)
        {
            Interlocked.Increment(ref _busy);
            throw new InvalidOperationException("Released more slots than were taken.");
        }

        Pump();
    }

    // Whoever adds an item or frees a slot looks again afterwards, so an item never waits beside a free slot.
    private void Pump()
    {
        while (!_waiting.IsEmpty)
        {
            var busy = Volatile.Read(ref _busy);
            if (busy >= _slots)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _busy, busy + 1, busy) != busy)
            {
                continue;
            }

            var started = false;
            try
            {
                started = _waiting.TryDequeue(out var item) && _start(item);
            }
            finally
            {
                if (!started)
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        }
    }
}

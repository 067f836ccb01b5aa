using System.Collections.Concurrent;
using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

public sealed class SlotQueueTests
{
    [Fact]
    public void ItemsBeyondTheSlots_WaitInArrivalOrder_UntilASlotIsReleased()
    {
        var started = new List<int>();
        var queue = new SlotQueue<int>(2, i =>
        {
            started.Add(i);
            return true;
        });

        for (var i = 1; i <= 5; i++)
        {
            queue.Enqueue(i);
        }

        Assert.Equal([1, 2], started);
        Assert.Equal((2, 3), (queue.Busy, queue.Waiting));

        queue.Release();
        Assert.Equal([1, 2, 3], started);
        queue.Release();
        queue.Release();
        Assert.Equal([1, 2, 3, 4, 5], started);
        Assert.Equal((2, 0), (queue.Busy, queue.Waiting));
    }

    [Fact]
    public void AnItemWithNothingToDo_FreesItsSlotAtOnce()
    {
        var started = new List<int>();
        var queue = new SlotQueue<int>(1, i =>
        {
            started.Add(i);
            return i % 2 == 0; // odd items turn out to have nothing to do
        });

        queue.Enqueue(1);
        queue.Enqueue(3);
        queue.Enqueue(4);
        queue.Enqueue(6);

        Assert.Equal([1, 3, 4], started);
        Assert.Equal((1, 1), (queue.Busy, queue.Waiting));
        Assert.Throws<InvalidOperationException>(() =>
        {
            queue.Release();
            queue.Release();
            queue.Release();
        });
    }

    [Fact]
    public async Task ManyThreadsEnqueuingAndReleasing_NeverExceedTheSlots_AndLeaveNothingWaiting()
    {
        const int Slots = 4;
        const int Items = 20_000;
        var running = 0;
        var most = 0;
        var seen = new ConcurrentDictionary<int, bool>();
        SlotQueue<int>? queue = null;
        queue = new SlotQueue<int>(Slots, i =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Assert.True(seen.TryAdd(i, true), $"item {i} started twice");
            if (i % 3 == 0)
            {
                Interlocked.Decrement(ref running);
                return false;
            }

            // Finished on another thread, as analyses are.
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                Interlocked.Decrement(ref running);
                queue!.Release();
            }, null);
            return true;
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = t; i < Items; i += 8)
            {
                queue.Enqueue(i);
            }
        })));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((queue.Busy > 0 || queue.Waiting > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal((0, 0), (queue.Busy, queue.Waiting));
        Assert.Equal(Items, seen.Count);
        Assert.InRange(most, 1, Slots);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}

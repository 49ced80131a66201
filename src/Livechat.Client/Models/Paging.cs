namespace Livechat.Client;

/// <summary>One page of a list: its items, and where it sits in the whole (<c>count</c>, <c>offset</c>, <c>total</c>).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Count, int Offset, int Total)
{
    public bool HasMore => Offset + Count < Total;
}

/// <summary>Paging and sorting of a list request.</summary>
/// <param name="Sort">A field and direction, e.g. <c>("ts", -1)</c>; <c>null</c> for the endpoint's default order.</param>
public sealed record PageRequest(int? Count = null, int? Offset = null, (string Field, int Direction)? Sort = null)
{
    public static PageRequest Default { get; } = new();
}

/// <summary>A date range (either bound optional).</summary>
public sealed record DateRange(DateTime? Start = null, DateTime? End = null);

/// <summary>The filters of <c>livechat/rooms</c>; null members are not sent.</summary>
public sealed record RoomQuery
{
    /// <summary><c>true</c>: open and served; <c>false</c>: closed.</summary>
    public bool? Open { get; init; }

    /// <summary>Only rooms waiting in the queue (open, no agent).</summary>
    public bool? Queued { get; init; }
    public bool? OnHold { get; init; }

    /// <summary>Serving agents' ids.</summary>
    public IReadOnlyList<string>? Agents { get; init; }
    public IReadOnlyList<string>? DepartmentIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>A part of the visitor's name; in double quotes, the exact name.</summary>
    public string? RoomName { get; init; }

    /// <summary>Room custom field values (case-insensitive "contains").</summary>
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
    public DateRange? CreatedAt { get; init; }
    public DateRange? ClosedAt { get; init; }
}

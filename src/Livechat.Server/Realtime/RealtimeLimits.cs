namespace Livechat.Server.Realtime;

/// <summary>
/// What one client may cost the realtime server (configuration section <c>Realtime</c>). Rocket.Chat has DDP rate
/// limits of its own; these bound memory and work per address and per connection, and every refusal is a DDP error.
/// </summary>
public sealed class RealtimeLimits
{
    public const string Section = "Realtime";

    /// <summary>Open DDP connections per client address (<c>HttpContext.Connection.RemoteIpAddress</c>).</summary>
    public int MaxConnectionsPerIp { get; set; } = 100;

    /// <summary>Subscriptions per connection: a widget needs five, an agent app a few dozen.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 200;

    /// <summary>Length of a stream event name (a room id and a suffix need about 40).</summary>
    public int MaxEventNameLength { get; set; } = 200;

    /// <summary>Messages a connection may send per second on average…</summary>
    public int MessagesPerSecond { get; set; } = 10;

    /// <summary>…and at once (an agent app subscribes to a few dozen streams when it starts).</summary>
    public int MessageBurst { get; set; } = 100;

    public bool IsValid => MaxConnectionsPerIp > 0 && MaxSubscriptionsPerConnection > 0 && MaxEventNameLength > 0
        && MessagesPerSecond > 0 && MessageBurst > 0;
}

using System.Net.WebSockets;

namespace Livechat.Client.Tests;

/// <summary>
/// A real WebSocket that can be made to go silent: after <see cref="Freeze"/> nothing more is received, as when a network
/// path dies without closing the connection. Only cancellation ends a receive then.
/// </summary>
public sealed class FreezableWebSocket(WebSocket inner) : WebSocket
{
    volatile bool _frozen;

    public void Freeze() => _frozen = true;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => inner.Dispose();

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await inner.ReceiveAsync(buffer, cancellationToken);
            if (!_frozen) return result;
        }
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
}

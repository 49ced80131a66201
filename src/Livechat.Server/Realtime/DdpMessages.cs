using System.Text.Json.Nodes;
using Livechat.Server.Methods;

namespace Livechat.Server.Realtime;

/// <summary>The DDP messages the server sends (Meteor's DDP specification, version 1).</summary>
public static class DdpMessages
{
    public static JsonObject Connected(string session) => new() { ["msg"] = "connected", ["session"] = session };

    public static JsonObject Failed(string version) => new() { ["msg"] = "failed", ["version"] = version };

    public static JsonObject Pong(JsonNode? id)
    {
        var pong = new JsonObject { ["msg"] = "pong" };
        if (id is not null) pong["id"] = id.DeepClone();
        return pong;
    }

    public static JsonObject Updated(JsonNode methodId) => new() { ["msg"] = "updated", ["methods"] = new JsonArray(methodId.DeepClone()) };

    public static JsonObject Ready(string subId) => new() { ["msg"] = "ready", ["subs"] = new JsonArray(subId) };

    /// <summary><c>nosub</c>: the answer to <c>unsub</c> (no error) or a refused subscription (a Meteor.Error).</summary>
    public static JsonObject NoSub(string subId, JsonObject? error)
    {
        var nosub = new JsonObject { ["msg"] = "nosub", ["id"] = subId };
        if (error is not null) nosub["error"] = error;
        return nosub;
    }

    /// <summary>Meteor's answer to a message it cannot process.</summary>
    public static JsonObject Error(string reason, JsonNode? offending)
    {
        var error = new JsonObject { ["msg"] = "error", ["reason"] = reason };
        if (offending is not null) error["offendingMessage"] = offending.DeepClone();
        return error;
    }

    /// <summary>
    /// A refusal that is not the answer to a method or a subscription (too many connections, too many messages): the
    /// <c>error</c> message with the fields of a Meteor.Error (<c>error</c>, <c>reason</c>, <c>message</c>, <c>errorType</c>).
    /// </summary>
    public static JsonObject Refused(JsonNode code, string reason)
    {
        var error = new JsonObject { ["msg"] = "error" };
        foreach (var (key, value) in MethodOutcome.MeteorError(code, reason)) error[key] = value?.DeepClone();
        return error;
    }

    public static JsonObject Error(string reason, string offendingText) =>
        new() { ["msg"] = "error", ["reason"] = reason, ["offendingMessage"] = offendingText };

    /// <summary>A stream event as Rocket.Chat's streamer sends it: a <c>changed</c> on the stream's collection, id <c>id</c>.</summary>
    public static JsonObject Changed(string stream, string eventName, JsonArray args) => new()
    {
        ["msg"] = "changed",
        ["collection"] = stream,
        ["id"] = "id",
        ["fields"] = new JsonObject { ["eventName"] = eventName, ["args"] = args },
    };
}

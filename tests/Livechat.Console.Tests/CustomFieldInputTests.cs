using Bunit;
using Livechat.Client;
using Livechat.Console.Components;

namespace Livechat.Console.Tests;

/// <summary>A custom field's input: its label, required mark, declared type (a select's options) and pattern hint.</summary>
public sealed class CustomFieldInputTests : BunitContext
{
    [Fact]
    public void AnInputFieldHasItsLabelRequiredMarkAndPatternHint()
    {
        string? typed = null;
        var field = new CustomField { Id = "orderNumber", Label = "Order number", Scope = "room", Type = "input", Regexp = "^[0-9]+$", Required = true };

        var input = Render<CustomFieldInput>(p => p.Add(c => c.Field, field).Add(c => c.Value, "12").Add(c => c.ValueChanged, (string v) => typed = v));

        Assert.Equal("Order number", input.Find("label[for=cf-orderNumber]").TextContent);
        var box = input.Find("input#cf-orderNumber");
        Assert.Equal("text", box.GetAttribute("type"));
        Assert.Equal("12", box.GetAttribute("value"));
        Assert.Equal("true", box.GetAttribute("aria-required"));
        Assert.Equal("*", input.Find(".req").TextContent);
        Assert.Equal("Pattern: ^[0-9]+$", input.Find("#cf-orderNumber-hint").TextContent);
        Assert.Equal("cf-orderNumber-hint", box.GetAttribute("aria-describedby"));
        box.Input("77");
        Assert.Equal("77", typed);
    }

    [Fact]
    public void ASelectFieldOffersNoneAndItsOptions()
    {
        string? chosen = null;
        var field = new CustomField { Id = "channel", Label = "Channel", Scope = "visitor", Type = "select", Options = "Web, Phone ,Email" };

        var input = Render<CustomFieldInput>(p => p.Add(c => c.Field, field).Add(c => c.ValueChanged, (string v) => chosen = v));

        var select = input.Find("select#cf-channel");
        Assert.Equal(["None", "Web", "Phone", "Email"], select.QuerySelectorAll("option").Select(o => o.TextContent));
        Assert.Null(select.GetAttribute("aria-required"));
        Assert.Empty(input.FindAll(".req"));
        Assert.Empty(input.FindAll(".hint"));
        select.Change("Phone");
        Assert.Equal("Phone", chosen);
    }

    [Fact]
    public void AStoredValueOutsideTheOptionsIsStillShown()
    {
        var field = new CustomField { Id = "channel", Label = "Channel", Scope = "room", Type = "select", Options = "Web,Phone" };

        var input = Render<CustomFieldInput>(p => p.Add(c => c.Field, field).Add(c => c.Value, "Fax"));

        Assert.Contains(input.FindAll("option"), o => o.TextContent == "Fax");
    }
}

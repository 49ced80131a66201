using Microsoft.AspNetCore.Components;

namespace Livechat.Console.Pages.Admin;

/// <summary>
/// A manager page with a side form: choosing an item of the table, or New, puts the focus in the form's first field
/// (<see cref="FormStart"/>), so a keyboard user need not Tab through the rest of the table to reach it.
/// </summary>
public abstract class FormPage : ComponentBase
{
    bool _focusForm;

    /// <summary>The side form's first field (<c>@ref="FormStart"</c>).</summary>
    protected ElementReference FormStart { get; set; }

    /// <summary>Focuses <see cref="FormStart"/> once the next render has shown the form.</summary>
    protected void FocusForm() => _focusForm = true;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focusForm || FormStart.Context is null) return;
        _focusForm = false;
        await FormStart.FocusAsync();
    }
}

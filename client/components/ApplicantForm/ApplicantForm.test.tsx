import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ApplicantForm } from '.';

function fill(name: string, value: string) {
  const input = document.querySelector(`input[name="${name}"]`) as HTMLInputElement;
  fireEvent.input(input, { target: { value } });
}

function submit() {
  fireEvent.click(screen.getByText('保存并继续'));
}

describe('ApplicantForm', () => {
  it('shows the Chinese check-digit error for a wrong ID number and does not submit', () => {
    const onSubmit = vi.fn();
    render(<ApplicantForm consent onSubmit={onSubmit} />);
    fill('name', '张三');
    fill('idNumber', '110105194912310021'); // valid date, wrong check digit (should be X)
    fill('phone', '13800138000');
    submit();
    expect(screen.getByText('身份证号校验位不正确,请逐位核对')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('lists every field problem with the schema messages', () => {
    render(<ApplicantForm consent onSubmit={vi.fn()} />);
    fill('name', 'Tom');
    fill('idNumber', '1234');
    fill('phone', '123');
    submit();
    expect(screen.getByText('请输入与身份证一致的中文姓名')).toBeTruthy();
    expect(screen.getByText('身份证号应为 18 位,最后一位可以是数字或 X')).toBeTruthy();
    expect(screen.getByText('请输入 11 位手机号')).toBeTruthy();
  });

  it('submits a valid applicant, normalising a lowercase x', () => {
    const onSubmit = vi.fn();
    render(<ApplicantForm consent onSubmit={onSubmit} />);
    fill('name', '张三');
    fill('idNumber', '11010519491231002x');
    fill('phone', '13800138000');
    submit();
    expect(onSubmit).toHaveBeenCalledWith({ name: '张三', idNumber: '11010519491231002X', phone: '13800138000', consent: true });
  });

  it('refuses without consent and shows server field errors', () => {
    const onSubmit = vi.fn();
    render(<ApplicantForm consent={false} serverErrors={{ phone: '该手机号格式不正确' }} onSubmit={onSubmit} />);
    expect(screen.getByText('该手机号格式不正确')).toBeTruthy();
    fill('name', '张三');
    fill('idNumber', '11010519491231002X');
    fill('phone', '13800138000');
    submit();
    expect(screen.getByText('请先阅读并同意个人信息处理规则')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
